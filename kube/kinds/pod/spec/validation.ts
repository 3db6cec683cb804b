import {
  duplicate,
  type FieldError,
  forbiddenField,
  invalidRendered,
  invalidValue,
  notSupported,
  required,
} from "../../../errors.ts";
import { isValidIP } from "../../../go/ip.ts";
import { qualifiedNameProblems, validateAnnotations, validateLabels } from "../../../meta/labels.ts";
import { dns1123LabelProblems, dns1123SubdomainProblems } from "../../../meta/names.ts";
import { isPlainObject } from "../../../object.ts";
import { type Json, list, record, records, text } from "../../../validation/json.ts";
import { inclusiveRange } from "../../../validation/messages.ts";
import { validateContainers, validateInitContainers } from "./containers.ts";
import { validateTolerations } from "./tolerations.ts";
import { validateVolumes } from "./volumes.ts";

/** The PodSpec defaults live beside; re-exported so that one module serves the kinds that embed a PodSpec. */
export { defaultPodOnly, defaultPodSpec } from "./defaults.ts";

const restartPolicies = ["Always", "OnFailure", "Never"];
const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const maxInt32 = 2147483647;

function enumField(value: unknown, supported: string[], field: string): FieldError[] {
  const v = text(value);
  if (!v) return [required(field)];
  return supported.includes(v) ? [] : [notSupported(field, v, supported)];
}

function nameField(value: unknown, problems: (v: string) => string[], field: string): FieldError[] {
  const v = text(value);
  return v ? problems(v).map((p) => invalidValue(field, v, p)) : [];
}

/** validatePodHostNetworkDeps: with hostNetwork, host ports equal container ports (0 allowed in templates). */
function validateHostNetwork(spec: Json, path: string, isPod: boolean): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  return records(spec.containers).flatMap((c, i) =>
    records(c.ports).flatMap((port, j) => {
      const hostPort = typeof port.hostPort === "number" ? port.hostPort : 0;
      return (isPod || hostPort !== 0) && hostPort !== port.containerPort
        ? [
            invalidValue(
              `${path}.containers[${i}].ports[${j}].hostPort`,
              hostPort,
              "must match `containerPort` when `hostNetwork` is true",
            ),
          ]
        : [];
    }),
  );
}

/** validatePodDNSConfig: None needs nameservers; at most 3 of them, valid IPs; search domains as subdomains. */
function validateDNSConfig(spec: Json, path: string): FieldError[] {
  const config = spec.dnsConfig;
  if (spec.dnsPolicy === "None") {
    if (!isPlainObject(config)) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (!list(config.nameservers).length)
      return [
        required(`${path}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None"),
      ];
  }
  if (!isPlainObject(config)) return [];
  const errors: FieldError[] = [];
  const nameservers = list(config.nameservers).map(String);
  if (nameservers.length > 3)
    errors.push(
      invalidRendered(
        `${path}.nameservers`,
        `[]string{${nameservers.map((n) => JSON.stringify(n)).join(", ")}}`,
        "must not have more than 3 nameservers",
      ),
    );
  nameservers.forEach((ns, i) => {
    if (!isValidIP(ns))
      errors.push(
        invalidValue(
          `${path}.nameservers[${i}]`,
          ns,
          "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ),
      );
  });
  list(config.searches).forEach((search, i) => {
    const s = String(search).replace(/\.$/, "");
    for (const p of dns1123SubdomainProblems(s)) errors.push(invalidValue(`${path}.searches[${i}]`, s, p));
  });
  records(config.options).forEach((option, i) => {
    if (!text(option.name)) errors.push(required(`${path}.options[${i}]`, "must not be empty"));
  });
  return errors;
}

function validateGates(spec: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  records(spec.readinessGates).forEach((gate, i) => {
    const at = `${path}.readinessGates[${i}].conditionType`;
    for (const p of qualifiedNameProblems(text(gate.conditionType)))
      errors.push(invalidValue(at, text(gate.conditionType), p));
  });
  const seen = new Set<string>();
  records(spec.schedulingGates).forEach((gate, i) => {
    const at = `${path}.schedulingGates[${i}]`;
    const name = text(gate.name);
    for (const p of qualifiedNameProblems(name)) errors.push(invalidValue(at, name, p));
    if (seen.has(name)) errors.push(duplicate(at, name));
    seen.add(name);
  });
  return errors;
}

function validateHostAliases(aliases: unknown, path: string): FieldError[] {
  return records(aliases).flatMap((alias, i) => [
    ...(isValidIP(text(alias.ip))
      ? []
      : [
          invalidValue(
            `${path}[${i}].ip`,
            text(alias.ip),
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
          ),
        ]),
    ...list(alias.hostnames).flatMap((h, j) =>
      dns1123SubdomainProblems(String(h)).map((p) =>
        invalidValue(`${path}[${i}].hostnames[${j}]`, String(h), p),
      ),
    ),
  ]);
}

/** ValidatePodSpec's checks after the containers, in its order. */
function validatePodLevel(spec: Json, path: string, isPod: boolean): FieldError[] {
  const errors: FieldError[] = [...validateHostNetwork(spec, path, isPod)];
  errors.push(...enumField(spec.restartPolicy, restartPolicies, `${path}.restartPolicy`));
  errors.push(...enumField(spec.dnsPolicy, dnsPolicies, `${path}.dnsPolicy`));
  errors.push(...validateLabels(record(spec.nodeSelector) as Record<string, string>, `${path}.nodeSelector`));
  records(spec.imagePullSecrets).forEach((secret, i) => {
    if (Object.keys(secret).some((k) => k !== "name"))
      errors.push(
        invalidRendered(
          `${path}.imagePullSecrets[${i}]`,
          `core.LocalObjectReference{Name:${JSON.stringify(text(secret.name))}}`,
          "only name may be set",
        ),
      );
  });
  errors.push(...validateDNSConfig(spec, `${path}.dnsConfig`));
  errors.push(...validateGates(spec, path));
  errors.push(...nameField(spec.serviceAccountName, dns1123SubdomainProblems, `${path}.serviceAccountName`));
  errors.push(...nameField(spec.nodeName, dns1123SubdomainProblems, `${path}.nodeName`));
  const deadline = spec.activeDeadlineSeconds;
  if (typeof deadline === "number" && (deadline < 1 || deadline > maxInt32))
    errors.push(invalidValue(`${path}.activeDeadlineSeconds`, deadline, inclusiveRange(1, maxInt32)));
  errors.push(...nameField(spec.hostname, dns1123LabelProblems, `${path}.hostname`));
  errors.push(...nameField(spec.subdomain, dns1123LabelProblems, `${path}.subdomain`));
  errors.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errors.push(...validateHostAliases(spec.hostAliases, `${path}.hostAliases`));
  errors.push(...nameField(spec.priorityClassName, dns1123SubdomainProblems, `${path}.priorityClassName`));
  if (typeof spec.runtimeClassName === "string")
    for (const p of dns1123SubdomainProblems(spec.runtimeClassName))
      errors.push(invalidValue(`${path}.runtimeClassName`, spec.runtimeClassName, p));
  if (typeof spec.preemptionPolicy === "string")
    errors.push(
      ...enumField(spec.preemptionPolicy, ["PreemptLowerPriority", "Never"], `${path}.preemptionPolicy`),
    );
  if (isPlainObject(spec.os) && !["linux", "windows"].includes(text(spec.os.name)))
    errors.push(notSupported(`${path}.os.name`, text(spec.os.name), ["linux", "windows"]));
  return errors;
}

/**
 * Validation of a PodSpec at `path` ("spec" for pods, "spec.template.spec" for controllers),
 * with the API server's field paths and messages, in its order. Shared by Pod,
 * ReplicationController, ReplicaSet and Deployment. `isPod` adds what only a pod's spec gets.
 */
export function validatePodSpec(spec: unknown, path: string, isPod = false): FieldError[] {
  const s = record(spec);
  const errors: FieldError[] = [];
  if (typeof s.terminationGracePeriodSeconds !== "number")
    errors.push(required(`${path}.terminationGracePeriodSeconds`));
  const grace = typeof s.terminationGracePeriodSeconds === "number" ? s.terminationGracePeriodSeconds : 30;
  const volumes = validateVolumes(s.volumes, `${path}.volumes`);
  errors.push(...volumes.errors);
  const ctx = { volumes: volumes.byName, grace };
  errors.push(...validateContainers(s.containers, ctx, `${path}.containers`));
  errors.push(...validateInitContainers(s.initContainers, s.containers, ctx, `${path}.initContainers`));
  errors.push(...validatePodLevel(s, path, isPod));
  return errors;
}

/**
 * ValidatePodTemplateSpec: the template's labels and annotations (at `<path>.labels`, as the API
 * server reports them), its spec, and no ephemeral containers.
 */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  const t = record(template);
  const meta = record(t.metadata);
  const errors = [
    ...validateLabels(record(meta.labels) as Record<string, string>, `${path}.labels`),
    ...validateAnnotations(record(meta.annotations) as Record<string, string>, `${path}.annotations`),
    ...validatePodSpec(t.spec, `${path}.spec`),
  ];
  if (list(record(t.spec).ephemeralContainers).length)
    errors.push(
      forbiddenField(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"),
    );
  return errors;
}
