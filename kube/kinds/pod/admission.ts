import type { AdmissionPlugin } from "../../admission/plugin.ts";
import { forbidden } from "../../errors.ts";
import type { Pod, PodSpec, Toleration } from "../../types/core-v1.ts";
import { viewAs } from "../kind.ts";
import { podKind } from "./index.ts";

/** The pod's spec, created when absent so admission can write into it. */
function spec(pod: Pod): PodSpec {
  pod.spec ??= {};
  return pod.spec;
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
function computePriority(pod: Pod): void {
  const s = spec(pod);
  const className = s.priorityClassName ?? "";
  const priority = className ? systemPriorities[className] : 0;
  const name = pod.metadata.name ?? "";
  const details = { name, kind: "pods" };
  if (priority === undefined)
    throw forbidden(
      `pods "${name}" is forbidden: no PriorityClass with name ${className} was found`,
      details,
    );
  if (s.priority !== undefined && s.priority !== priority)
    throw forbidden(
      `pods "${name}" is forbidden: the integer value of priority (${s.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      details,
    );
  s.priority = priority;
  s.preemptionPolicy ??= "PreemptLowerPriority";
}

/** The ServiceAccount admission plugin's default: pods run as `default`. */
function defaultServiceAccount(pod: Pod): void {
  const s = spec(pod);
  if (!s.serviceAccountName) s.serviceAccountName = "default";
  s.serviceAccount = s.serviceAccountName;
}

/** The tolerations the DefaultTolerationSeconds admission plugin adds: 300 s for not-ready and unreachable nodes. */
function addDefaultTolerations(tolerations: Toleration[] | undefined): Toleration[] {
  const list = [...(tolerations ?? [])];
  const tolerates = (taint: string) =>
    list.some((t) => (t.key === taint || !t.key) && (t.effect === "NoExecute" || !t.effect));
  for (const taint of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"])
    if (!tolerates(taint))
      list.push({ key: taint, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  return list;
}

/** The ServiceAccount plugin: a pod names its service account, `default` unless it says. */
export const serviceAccountAdmission: AdmissionPlugin = {
  name: "ServiceAccount",
  resources: ["pods"],
  admit(obj, old) {
    if (!old) defaultServiceAccount(viewAs(podKind, obj));
  },
};

/**
 * The Priority plugin: a new pod's priority comes from its PriorityClass; an update keeps what
 * was computed on create.
 */
export const priorityAdmission: AdmissionPlugin = {
  name: "Priority",
  resources: ["pods"],
  admit(obj, old) {
    const pod = viewAs(podKind, obj);
    if (!old) return computePriority(pod);
    const s = spec(pod);
    const o = viewAs(podKind, old).spec ?? {};
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
  admit(obj) {
    const s = spec(viewAs(podKind, obj));
    s.tolerations = addDefaultTolerations(s.tolerations);
  },
};
