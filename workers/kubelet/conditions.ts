import type { ContainerStatus, PodCondition, PodSpec, PodStatus } from "../../kube/types/core-v1.ts";
import { statusesByName } from "./container-status.ts";

/**
 * The pod conditions the kubelet owns (pkg/kubelet/status/generate.go), in the order a 1.32
 * pod shows them: PodReadyToStartContainers, Initialized, Ready, ContainersReady, then the
 * scheduler's PodScheduled as it was. A condition keeps its lastTransitionTime while its
 * status stays the same.
 */

/** A condition the kubelet computes, before its times are set. */
type Condition = Pick<PodCondition, "type" | "reason" | "message"> & { status: "True" | "False" };

/** Go's %s of a []string: "[a b]". */
function goList(names: string[]): string {
  return `[${names.join(" ")}]`;
}

function initialized(spec: PodSpec, status: PodStatus, phase: string): Condition {
  const statuses = statusesByName(status.initContainerStatuses);
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of spec.initContainers ?? []) {
    const s = statuses.get(c.name);
    if (!s) unknown.push(c.name);
    else if (c.restartPolicy === "Always" ? s.started !== true : s.state?.terminated?.exitCode !== 0)
      incomplete.push(c.name);
  }
  if (phase === "Succeeded" && !unknown.length)
    return { type: "Initialized", status: "True", reason: "PodCompleted" };
  const regularStarted = (status.containerStatuses ?? []).some(
    (s) => s.state?.running || s.state?.terminated || s.lastState?.terminated,
  );
  const parts = [
    ...(unknown.length ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(incomplete.length ? [`containers with incomplete status: ${goList(incomplete)}`] : []),
  ];
  if (regularStarted || !parts.length) return { type: "Initialized", status: "True" };
  return {
    type: "Initialized",
    status: "False",
    reason: "ContainersNotInitialized",
    message: parts.join(", "),
  };
}

function containersReady(spec: PodSpec, status: PodStatus, phase: string): Condition {
  if (phase === "Failed" || phase === "Succeeded")
    return {
      type: "ContainersReady",
      status: "False",
      reason: phase === "Failed" ? "PodFailed" : "PodCompleted",
    };
  const init = statusesByName(status.initContainerStatuses);
  const main = statusesByName(status.containerStatuses);
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (name: string, s: ContainerStatus | undefined) => {
    if (!s) unknown.push(name);
    else if (s.ready !== true) unready.push(name);
  };
  for (const c of spec.initContainers ?? [])
    if (c.restartPolicy === "Always") check(c.name, init.get(c.name));
  for (const c of spec.containers ?? []) check(c.name, main.get(c.name));
  const parts = [
    ...(unknown.length ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(unready.length ? [`containers with unready status: ${goList(unready)}`] : []),
  ];
  if (!parts.length) return { type: "ContainersReady", status: "True" };
  return {
    type: "ContainersReady",
    status: "False",
    reason: "ContainersNotReady",
    message: parts.join(", "),
  };
}

function ready(spec: PodSpec, containers: Condition, conditions: PodCondition[]): Condition {
  if (containers.status !== "True") return { ...containers, type: "Ready" };
  const problems = (spec.readinessGates ?? []).flatMap((g) => {
    const type = g.conditionType;
    const c = conditions.find((x) => x.type === type);
    if (!c) return [`corresponding condition of pod readiness gate "${type}" does not exist.`];
    // A condition a client wrote may leave its status out: Go prints the empty string.
    return c.status === "True"
      ? []
      : [`the status of pod readiness gate "${type}" is not "True", but ${c.status ?? ""}`];
  });
  return problems.length
    ? { type: "Ready", status: "False", reason: "ReadinessGatesNotReady", message: problems.join(", ") }
    : { type: "Ready", status: "True" };
}

const kubeletOwned = new Set(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"]);

/**
 * The pod's conditions after a kubelet sync, given its spec, its new status (phase and
 * container statuses set), whether its sandbox is up, and the time of the sync.
 */
export function podConditions(
  spec: PodSpec,
  status: PodStatus,
  sandboxReady: boolean,
  at: string,
): PodCondition[] {
  const previous = status.conditions ?? [];
  const phase = status.phase ?? "";
  const containers = containersReady(spec, status, phase);
  const generated: Condition[] = [
    { type: "PodReadyToStartContainers", status: sandboxReady ? "True" : "False" },
    initialized(spec, status, phase),
    ready(spec, containers, previous),
    containers,
  ];
  const out: PodCondition[] = generated.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    return {
      type: c.type,
      status: c.status,
      lastProbeTime: null,
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : at,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    };
  });
  return [...out, ...previous.filter((p) => !kubeletOwned.has(p.type))];
}
