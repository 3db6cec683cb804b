import type { AdmissionPlugin } from "../../admission/plugin.ts";
import { forbidden } from "../../errors.ts";
import type { KubeObject } from "../../object.ts";
import { child, type Json, record } from "../../validation/json.ts";
import { addDefaultTolerations } from "./spec/tolerations.ts";

function spec(obj: KubeObject): Json {
  return child(obj as Json, "spec");
}

/** The PriorityClasses every cluster has, and their values. */
const systemPriorities: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

/**
 * The Priority admission plugin on create: priority from the PriorityClass (0 without one),
 * preemptionPolicy PreemptLowerPriority; a client may not pick the number itself.
 */
function computePriority(pod: KubeObject): void {
  const s = spec(pod);
  const className = typeof s.priorityClassName === "string" ? s.priorityClassName : "";
  const priority = className ? systemPriorities[className] : 0;
  const name = pod.metadata.name ?? "";
  const details = { name, kind: "pods" };
  if (priority === undefined)
    throw forbidden(
      `pods "${name}" is forbidden: no PriorityClass with name ${className} was found`,
      details,
    );
  if (typeof s.priority === "number" && s.priority !== priority)
    throw forbidden(
      `pods "${name}" is forbidden: the integer value of priority (${s.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      details,
    );
  s.priority = priority;
  if (typeof s.preemptionPolicy !== "string") s.preemptionPolicy = "PreemptLowerPriority";
}

/** The ServiceAccount admission plugin's default: pods run as `default`. */
function defaultServiceAccount(pod: KubeObject): void {
  const s = spec(pod);
  if (typeof s.serviceAccountName !== "string" || !s.serviceAccountName) s.serviceAccountName = "default";
  s.serviceAccount = s.serviceAccountName;
}

/** The ServiceAccount plugin: a pod names its service account, `default` unless it says. */
export const serviceAccountAdmission: AdmissionPlugin = {
  name: "ServiceAccount",
  resources: ["pods"],
  admit(pod, old) {
    if (!old) defaultServiceAccount(pod);
  },
};

/**
 * The Priority plugin: a new pod's priority comes from its PriorityClass; an update keeps what
 * was computed on create.
 */
export const priorityAdmission: AdmissionPlugin = {
  name: "Priority",
  resources: ["pods"],
  admit(pod, old) {
    if (!old) return computePriority(pod);
    const s = spec(pod);
    const o = record(old.spec);
    if (s.priority === undefined && o.priority !== undefined) s.priority = o.priority;
    if (s.preemptionPolicy === undefined && o.preemptionPolicy !== undefined)
      s.preemptionPolicy = o.preemptionPolicy;
  },
};

/**
 * The DefaultTolerationSeconds plugin: every pod tolerates its node turning not-ready or
 * unreachable for 300 s, on create and again on every update.
 */
export const defaultTolerationSecondsAdmission: AdmissionPlugin = {
  name: "DefaultTolerationSeconds",
  resources: ["pods"],
  admit(pod) {
    spec(pod).tolerations = addDefaultTolerations(spec(pod).tolerations);
  },
};
