import { badRequest } from "../../../errors.ts";
import { isPlainObject } from "../../../object.ts";
import { formatQuantity, parseQuantityExact, QuantityError } from "../../../quantity/quantity.ts";
import { decodeResourceList } from "../../../quantity/resource-list.ts";
import { child, type Json, records } from "../../../validation/json.ts";
import { defaultPullPolicy } from "./image.ts";

/** The kind being decoded, whose name a bad quantity's 400 carries ("Pod in version "v1" cannot be handled as a Pod"). */
export interface DecodeContext {
  kind: string;
}

function setIfAbsent(obj: Json, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === "") obj[key] = value;
}

/** Go drops JSON nulls into zero values, which omitempty then leaves out; so do we. */
function dropNulls(obj: Json): void {
  for (const [k, v] of Object.entries(obj)) if (v === null) delete obj[k];
}

/** A single quantity field decoded in place (emptyDir's sizeLimit): canonical, or the decoder's 400. */
function decodeQuantity(owner: Json, key: string, ctx: DecodeContext): void {
  if (owner[key] === undefined || owner[key] === null) return;
  try {
    owner[key] = formatQuantity(parseQuantityExact(owner[key]));
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    throw badRequest(`${ctx.kind} in version "v1" cannot be handled as a ${ctx.kind}: ${err.message}`);
  }
}

function defaultHttpGet(handler: unknown): void {
  if (!isPlainObject(handler) || !isPlainObject(handler.httpGet)) return;
  setIfAbsent(handler.httpGet, "path", "/");
  setIfAbsent(handler.httpGet, "scheme", "HTTP");
}

function defaultProbe(probe: unknown): void {
  if (!isPlainObject(probe)) return;
  for (const [key, value] of [
    ["timeoutSeconds", 1],
    ["periodSeconds", 10],
    ["successThreshold", 1],
    ["failureThreshold", 3],
  ] as const)
    if (!probe[key]) probe[key] = value;
  defaultHttpGet(probe);
  // GRPCAction.service's declared default (+default=""): kubectl describe reads it unchecked.
  if (isPlainObject(probe.grpc)) setIfAbsent(probe.grpc, "service", "");
}

function defaultFieldRef(fieldRef: unknown): void {
  if (isPlainObject(fieldRef)) setIfAbsent(fieldRef, "apiVersion", "v1");
}

/** SetDefaults_Container and the declarative defaults inside a container. */
function defaultContainer(c: Json, ctx: DecodeContext): void {
  dropNulls(c);
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(typeof c.image === "string" ? c.image : "");
  setIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
  setIfAbsent(c, "terminationMessagePolicy", "File");
  const resources = child(c, "resources");
  const owner = { kind: ctx.kind, metadata: {} };
  decodeResourceList(resources, "requests", owner);
  decodeResourceList(resources, "limits", owner);
  for (const port of records(c.ports)) setIfAbsent(port, "protocol", "TCP");
  for (const env of records(c.env)) if (isPlainObject(env.valueFrom)) defaultFieldRef(env.valueFrom.fieldRef);
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) defaultProbe(c[probe]);
  if (isPlainObject(c.lifecycle))
    for (const hook of ["postStart", "preStop"]) defaultHttpGet(c.lifecycle[hook]);
}

/** SetDefaults_Volume and its sources' defaults (modes 0644, hostPath type ""). */
function defaultVolume(v: Json, ctx: DecodeContext): void {
  dropNulls(v);
  const sources = Object.keys(v).filter((k) => k !== "name");
  if (!sources.length) v.emptyDir = {};
  if (isPlainObject(v.emptyDir)) decodeQuantity(v.emptyDir, "sizeLimit", ctx);
  if (isPlainObject(v.hostPath)) setIfAbsent(v.hostPath, "type", "");
  for (const key of ["secret", "configMap", "downwardAPI", "projected"])
    if (isPlainObject(v[key])) setIfAbsent(v[key], "defaultMode", 420);
  if (isPlainObject(v.downwardAPI))
    for (const item of records(v.downwardAPI.items)) defaultFieldRef(item.fieldRef);
  if (isPlainObject(v.projected))
    for (const source of records(v.projected.sources)) {
      if (isPlainObject(source.serviceAccountToken))
        setIfAbsent(source.serviceAccountToken, "expirationSeconds", 3600);
      if (isPlainObject(source.downwardAPI))
        for (const item of records(source.downwardAPI.items)) defaultFieldRef(item.fieldRef);
    }
}

/**
 * The API server's defaults for any PodSpec, a pod's or a template's (SetDefaults_PodSpec,
 * SetDefaults_Container, SetDefaults_Volume and friends), applied in place. `ctx` names the kind
 * being decoded, for the 400 an unparsable quantity gets.
 */
export function defaultPodSpec(spec: Json, ctx: DecodeContext = { kind: "Pod" }): void {
  dropNulls(spec);
  setIfAbsent(spec, "dnsPolicy", "ClusterFirst");
  setIfAbsent(spec, "restartPolicy", "Always");
  if (!isPlainObject(spec.securityContext)) spec.securityContext = {};
  if (typeof spec.terminationGracePeriodSeconds !== "number") spec.terminationGracePeriodSeconds = 30;
  setIfAbsent(spec, "schedulerName", "default-scheduler");
  // The deprecated serviceAccount field mirrors serviceAccountName through conversion.
  if (!spec.serviceAccountName && typeof spec.serviceAccount === "string" && spec.serviceAccount)
    spec.serviceAccountName = spec.serviceAccount;
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName)
    spec.serviceAccount = spec.serviceAccountName;
  // Elements that are not objects at all become empty ones, so validation reports their fields.
  for (const key of ["containers", "initContainers", "volumes"])
    if (Array.isArray(spec[key])) spec[key] = records(spec[key]);
  for (const c of [...records(spec.containers), ...records(spec.initContainers)]) defaultContainer(c, ctx);
  for (const v of records(spec.volumes)) defaultVolume(v, ctx);
}

/**
 * SetDefaults_Pod: what only a Pod (not a template) gets — requests copied from limits,
 * enableServiceLinks, and host ports for host-network pods.
 */
export function defaultPodOnly(spec: Json): void {
  for (const c of [...records(spec.containers), ...records(spec.initContainers)]) {
    const resources = child(c, "resources");
    if (!isPlainObject(resources.limits)) continue;
    const requests = child(resources, "requests");
    for (const [name, value] of Object.entries(resources.limits))
      if (!Object.hasOwn(requests, name)) requests[name] = value;
  }
  if (typeof spec.enableServiceLinks !== "boolean") spec.enableServiceLinks = true;
  if (spec.hostNetwork === true)
    for (const c of [...records(spec.containers), ...records(spec.initContainers)])
      for (const port of records(c.ports)) if (!port.hostPort) port.hostPort = port.containerPort;
}
