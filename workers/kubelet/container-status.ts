import type {
  Container,
  ContainerState,
  ContainerStateTerminated,
  ContainerStatus,
  Pod,
  VolumeMountStatus,
} from "../../kube/types/core-v1.ts";

/**
 * core/v1 ContainerStatus as the kubelet writes it, fields in the API's order, and readers for
 * the times the lifecycle is computed from.
 */

function volumeMounts(spec: Container): VolumeMountStatus[] {
  return (spec.volumeMounts ?? []).map((m) => ({
    name: m.name,
    mountPath: m.mountPath,
    ...(m.readOnly === true ? { readOnly: true, recursiveReadOnly: "Disabled" } : {}),
  }));
}

/** A status with the given state; what it does not say is carried over from `prev`. */
export function containerStatus(
  spec: Container,
  state: ContainerState,
  prev: Partial<ContainerStatus> | undefined,
  fields: Partial<ContainerStatus> = {},
): ContainerStatus {
  const mounts = volumeMounts(spec);
  const merged = { ...prev, ...fields };
  return {
    name: spec.name,
    state,
    lastState: merged.lastState ?? {},
    ready: merged.ready === true,
    restartCount: merged.restartCount ?? 0,
    image: merged.image || spec.image || "",
    imageID: merged.imageID ?? "",
    ...(merged.containerID ? { containerID: merged.containerID } : {}),
    started: merged.started === true,
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  };
}

/** A container not started yet, or not again: waiting, with a reason (and a message). */
export function waiting(
  spec: Container,
  prev: Partial<ContainerStatus> | undefined,
  reason: string,
  message?: string,
): ContainerStatus {
  return containerStatus(spec, { waiting: { reason, ...(message ? { message } : {}) } }, prev, {
    ready: false,
    started: false,
  });
}

/** Which state a status (if the container has one) is in. */
export function stateKind(
  status: ContainerStatus | undefined,
): "waiting" | "running" | "terminated" | "none" {
  const state = status?.state;
  if (state?.running) return "running";
  if (state?.terminated) return "terminated";
  if (state?.waiting) return "waiting";
  return "none";
}

/** A pod's container statuses, init containers' first. */
export function allStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** The waiting reason, or "". */
export function waitingReason(status: ContainerStatus | undefined): string {
  return status?.state?.waiting?.reason ?? "";
}

/** A timestamp as ms, or null. */
export function millis(value: string | null | undefined): number | null {
  const t = Date.parse(value ?? "");
  return Number.isNaN(t) ? null : t;
}

/**
 * The last termination: the current state's, or the last state's while waiting to restart. An
 * empty one (`terminated: {}`) is none.
 */
export function lastTermination(status: ContainerStatus | undefined): ContainerStateTerminated | null {
  const current = status?.state?.terminated;
  if (current && Object.keys(current).length) return current;
  const last = status?.lastState?.terminated;
  return last && Object.keys(last).length ? last : null;
}

/** The statuses of a list, by container name. */
export function statusesByName(statuses: ContainerStatus[] | undefined): Map<string, ContainerStatus> {
  return new Map((statuses ?? []).map((s) => [s.name, s]));
}
