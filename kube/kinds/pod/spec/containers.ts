import {
  duplicate,
  type FieldError,
  forbiddenField,
  invalidValue,
  notFoundField,
  notSupported,
  required,
} from "../../../errors.ts";
import { dns1123LabelProblems } from "../../../meta/names.ts";
import { isPlainObject } from "../../../object.ts";
import { type Json, record, records, text } from "../../../validation/json.ts";
import { validateEnv, validateEnvFrom } from "./env.ts";
import { validateLocalDescendingPath } from "./paths.ts";
import { validateContainerPorts, validateHostPortConflicts } from "./ports.ts";
import { type ProbeKind, validateLifecycle, validateProbe } from "./probes.ts";
import { validateResourceRequirements } from "./resources.ts";

/** What the containers of one PodSpec are checked against. */
export interface ContainerContext {
  /** Volumes that passed validation, by name. */
  volumes: Map<string, Json>;
  /** terminationGracePeriodSeconds, for sleep hooks. */
  grace: number;
}

const pullPolicies = ["Always", "IfNotPresent", "Never"];
const messagePolicies = ["File", "FallbackToLogsOnError"];
const propagations = ["Bidirectional", "HostToContainer", "None"];
const probes: ProbeKind[] = ["livenessProbe", "readinessProbe", "startupProbe"];

/** ValidateVolumeMounts; some paths are the list's, not the mount's, exactly as the API server words them. */
function validateVolumeMounts(c: Json, ctx: ContainerContext, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const mountPaths = new Set<string>();
  const privileged = record(c.securityContext).privileged === true;
  records(c.volumeMounts).forEach((m, i) => {
    const at = `${path}[${i}]`;
    const name = text(m.name);
    const mountPath = text(m.mountPath);
    if (!name) errors.push(required(`${at}.name`));
    if (!ctx.volumes.has(name)) errors.push(notFoundField(`${at}.name`, name));
    if (!mountPath) errors.push(required(`${at}.mountPath`));
    if (mountPaths.has(mountPath)) errors.push(invalidValue(`${at}.mountPath`, mountPath, "must be unique"));
    mountPaths.add(mountPath);
    if (text(m.subPath)) errors.push(...validateLocalDescendingPath(text(m.subPath), `${path}.subPath`));
    if (text(m.subPathExpr)) {
      if (text(m.subPath))
        errors.push(
          invalidValue(
            `${at}.subPathExpr`,
            text(m.subPathExpr),
            "subPathExpr and subPath are mutually exclusive",
          ),
        );
      errors.push(...validateLocalDescendingPath(text(m.subPathExpr), `${path}.subPathExpr`));
    }
    if (typeof m.mountPropagation === "string") {
      if (!propagations.includes(m.mountPropagation))
        errors.push(notSupported(`${path}.mountPropagation`, m.mountPropagation, propagations));
      if (m.mountPropagation === "Bidirectional" && !privileged)
        errors.push(
          forbiddenField(
            `${path}.mountPropagation`,
            "Bidirectional mount propagation is available only to privileged containers",
          ),
        );
    }
  });
  return errors;
}

/** validateContainerCommon: what every kind of container must satisfy. */
function validateContainerCommon(c: Json, ctx: ContainerContext, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const name = text(c.name);
  if (!name) errors.push(required(`${path}.name`));
  else for (const p of dns1123LabelProblems(name)) errors.push(invalidValue(`${path}.name`, name, p));
  if (!text(c.image)) errors.push(required(`${path}.image`));
  const messagePolicy = text(c.terminationMessagePolicy);
  if (!messagePolicy) errors.push(required(`${path}.terminationMessagePolicy`));
  else if (!messagePolicies.includes(messagePolicy))
    errors.push(notSupported(`${path}.terminationMessagePolicy`, messagePolicy, messagePolicies));
  errors.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errors.push(...validateEnv(c.env, `${path}.env`));
  errors.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errors.push(...validateVolumeMounts(c, ctx, `${path}.volumeMounts`));
  records(c.volumeDevices).forEach((d, i) => {
    if (!ctx.volumes.has(text(d.name)))
      errors.push(notFoundField(`${path}.volumeDevices[${i}].name`, text(d.name)));
  });
  const pullPolicy = text(c.imagePullPolicy);
  if (!pullPolicy) errors.push(required(`${path}.imagePullPolicy`));
  else if (!pullPolicies.includes(pullPolicy))
    errors.push(notSupported(`${path}.imagePullPolicy`, pullPolicy, pullPolicies));
  errors.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  return errors;
}

/** validateContainers: at least one, each valid, names unique, host ports not shared. */
export function validateContainers(containers: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const list = records(containers);
  if (!list.length) return [required(path)];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errors.push(...validateContainerCommon(c, ctx, at));
    const name = text(c.name);
    if (names.has(name)) errors.push(duplicate(`${at}.name`, name));
    else names.add(name);
    errors.push(...validateLifecycle(c.lifecycle, ctx.grace, `${at}.lifecycle`));
    for (const probe of probes) errors.push(...validateProbe(c[probe], probe, ctx.grace, `${at}.${probe}`));
    if (c.restartPolicy !== undefined)
      errors.push(forbiddenField(`${at}.restartPolicy`, "may not be set for non-init containers"));
  });
  errors.push(...validateHostPortConflicts(list, path));
  return errors;
}

/** validateInitContainers: as containers, names unique across both lists; probes only for sidecars. */
export function validateInitContainers(
  initContainers: unknown,
  containers: unknown,
  ctx: ContainerContext,
  path: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set(records(containers).map((c) => text(c.name)));
  records(initContainers).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errors.push(...validateContainerCommon(c, ctx, at));
    const sidecar = c.restartPolicy === "Always";
    if (c.restartPolicy !== undefined && !sidecar)
      errors.push(notSupported(`${at}.restartPolicy`, c.restartPolicy, ["Always"]));
    const name = text(c.name);
    if (names.has(name)) errors.push(duplicate(`${at}.name`, name));
    else if (name) names.add(name);
    errors.push(...validateHostPortConflicts([c], path));
    if (sidecar) {
      errors.push(...validateLifecycle(c.lifecycle, ctx.grace, `${at}.lifecycle`));
      for (const probe of probes) errors.push(...validateProbe(c[probe], probe, ctx.grace, `${at}.${probe}`));
    } else
      for (const field of ["lifecycle", ...probes])
        if (isPlainObject(c[field]))
          errors.push(
            forbiddenField(
              `${at}.${field}`,
              "may not be set for init containers without restartPolicy=Always",
            ),
          );
  });
  return errors;
}

/** validateContainersOnlyForPod: a pod's (not a template's) images may not be padded with spaces. */
export function validateImagesForPod(containers: unknown, path: string): FieldError[] {
  return records(containers).flatMap((c, i) => {
    const image = text(c.image);
    return image !== image.trim()
      ? [invalidValue(`${path}[${i}].image`, image, "must not have leading or trailing whitespace")]
      : [];
  });
}
