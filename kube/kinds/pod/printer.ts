import { age, humanDuration } from "../../go/human-duration.ts";
import { ageColumn, type Column, nameColumn, type Printer } from "../../printing/table.ts";
import type { ContainerStatus, Pod, PodStatus } from "../../types/core-v1.ts";

function column(name: string, description: string, priority = 0): Column {
  return { name, type: "string", description, priority };
}

/** The columns of `kubectl get pods`, as printPod declares them. */
export const podColumns: Column[] = [
  nameColumn,
  column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
  column("Status", "The aggregate status of the containers in this pod."),
  column(
    "Restarts",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  ageColumn,
  column(
    "IP",
    "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    1,
  ),
  column(
    "Node",
    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
    1,
  ),
  column(
    "Nominated Node",
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
    1,
  ),
  column(
    "Readiness Gates",
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
    1,
  ),
];

/** The latest of a container's last termination, as a time in ms (0 when none). */
function lastTermination(status: ContainerStatus): number {
  const finished = Date.parse(status.lastState?.terminated?.finishedAt ?? "");
  return Number.isNaN(finished) ? 0 : finished;
}

function conditionTrue(status: PodStatus, type: string): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === "True");
}

/** What printPod computes for the Ready, Status and Restarts cells. */
export interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** When a container last terminated before restarting (ms), 0 when never. */
  lastRestart: number;
}

/**
 * printPod's reckoning of a pod: ready containers out of all (sidecars included), the STATUS
 * reason (init progress, a waiting or terminated container's reason, Terminating, Completed …)
 * and the restarts with the time of the last one.
 */
export function summarizePod(pod: Pod): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const phase = status.phase ?? "";
  let reason = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated"))
    reason = "SchedulingGated";
  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  const sidecar = (name: string) => initSpecs.get(name)?.restartPolicy === "Always";
  const total = (spec.containers ?? []).length + [...initSpecs.keys()].filter(sidecar).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (const [i, c] of initStatuses.entries()) {
    const terminated = c.state?.terminated;
    const waitingReason = c.state?.waiting?.reason;
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastTermination(c));
    if (sidecar(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, lastTermination(c));
    }
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar(c.name) && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated)
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${String(terminated.signal)}`
          : `Init:ExitCode:${String(terminated.exitCode ?? 0)}`;
    else if (waitingReason && waitingReason !== "PodInitializing") reason = `Init:${waitingReason}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }
  if (!initializing || conditionTrue(status, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (const c of [...statuses].reverse()) {
      const terminated = c.state?.terminated;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastTermination(c));
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal
          ? `Signal:${String(terminated.signal)}`
          : `ExitCode:${String(terminated.exitCode ?? 0)}`;
      else if (c.ready === true && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning)
      reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
  }
  if (pod.metadata.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed")
    reason = "Terminating";
  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (!gates.length) return "<none>";
  const conditions = pod.status?.conditions ?? [];
  const met = gates.filter(
    (g) => conditions.find((c) => c.type === g.conditionType)?.status === "True",
  ).length;
  return `${met}/${gates.length}`;
}

/** `kubectl get pods`, cell for cell as printPod prints them (wide columns included). */
export const podPrinter: Printer<Pod> = {
  columns: podColumns,
  cells(pod, now) {
    const s = summarizePod(pod);
    const status = pod.status ?? {};
    const restarts =
      s.restarts !== 0 && s.lastRestart
        ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)`
        : String(s.restarts);
    const ip = status.podIPs?.[0]?.ip || status.podIP || "<none>";
    return [
      pod.metadata.name,
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      age(pod.metadata.creationTimestamp, now),
      ip,
      pod.spec?.nodeName || "<none>",
      status.nominatedNodeName || "<none>",
      readinessGates(pod),
    ];
  },
};
