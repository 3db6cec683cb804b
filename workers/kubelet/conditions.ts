import { type Json, record, records, text } from "../../kube/validation/json.ts";
import { statusesByName } from "./container-status.ts";

/**
 * The pod conditions the kubelet owns (pkg/kubelet/status/generate.go), in the order a 1.32
 * pod shows them: PodReadyToStartContainers, Initialized, Ready, ContainersReady, then the
 * scheduler's PodScheduled as it was. A condition keeps its lastTransitionTime while its
 * status stays the same.
 */

type Condition = { type: string; status: "True" | "False"; reason?: string; message?: string };

/** Go's %s of a []string: "[a b]". */
function goList(names: string[]): string {
  return `[${names.join(" ")}]`;
}

function initialized(spec: Json, status: Json, phase: string): Condition {
  const statuses = statusesByName(status.initContainerStatuses);
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of records(spec.initContainers)) {
    const s = statuses.get(text(c.name));
    if (!s) unknown.push(text(c.name));
    else if (
      c.restartPolicy === "Always" ? s.started !== true : record(record(s.state).terminated).exitCode !== 0
    )
      incomplete.push(text(c.name));
  }
  if (phase === "Succeeded" && !unknown.length)
    return { type: "Initialized", status: "True", reason: "PodCompleted" };
  const regularStarted = records(status.containerStatuses).some(
    (s) => record(s.state).running || record(s.state).terminated || record(s.lastState).terminated,
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

function containersReady(spec: Json, status: Json, phase: string): Condition {
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
  const check = (name: string, s: Json | undefined) => {
    if (!s) unknown.push(name);
    else if (s.ready !== true) unready.push(name);
  };
  for (const c of records(spec.initContainers))
    if (c.restartPolicy === "Always") check(text(c.name), init.get(text(c.name)));
  for (const c of records(spec.containers)) check(text(c.name), main.get(text(c.name)));
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

function ready(spec: Json, containers: Condition, conditions: Json[]): Condition {
  if (containers.status !== "True") return { ...containers, type: "Ready" };
  const problems = records(spec.readinessGates).flatMap((g) => {
    const type = text(g.conditionType);
    const c = conditions.find((x) => x.type === type);
    if (!c) return [`corresponding condition of pod readiness gate "${type}" does not exist.`];
    return c.status === "True"
      ? []
      : [`the status of pod readiness gate "${type}" is not "True", but ${text(c.status)}`];
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
export function podConditions(spec: Json, status: Json, sandboxReady: boolean, at: string): Json[] {
  const previous = records(status.conditions);
  const phase = text(status.phase);
  const containers = containersReady(spec, status, phase);
  const generated: Condition[] = [
    { type: "PodReadyToStartContainers", status: sandboxReady ? "True" : "False" },
    initialized(spec, status, phase),
    ready(spec, containers, previous),
    containers,
  ];
  const out: Json[] = generated.map((c) => {
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
  return [...out, ...previous.filter((p) => !kubeletOwned.has(text(p.type)))];
}
