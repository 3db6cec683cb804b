import type { KubeObject } from "../../kube/object.ts";
import { type Json, list, record, records, text } from "../../kube/validation/json.ts";

/**
 * core/v1 ContainerStatus as the kubelet writes it, fields in the API's order, and readers for
 * the times the lifecycle is computed from.
 */

function volumeMounts(spec: Json): Json[] {
  return records(spec.volumeMounts).map((m) => ({
    name: text(m.name),
    mountPath: text(m.mountPath),
    ...(m.readOnly === true ? { readOnly: true, recursiveReadOnly: "Disabled" } : {}),
  }));
}

/** A status with the given state; what it does not say is carried over from `prev`. */
export function containerStatus(spec: Json, state: Json, prev: Json, fields: Json = {}): Json {
  const mounts = volumeMounts(spec);
  const merged = { ...prev, ...fields };
  return {
    name: text(spec.name),
    state,
    lastState: record(merged.lastState),
    ready: merged.ready === true,
    restartCount: typeof merged.restartCount === "number" ? merged.restartCount : 0,
    image: text(merged.image) || text(spec.image),
    imageID: text(merged.imageID),
    ...(text(merged.containerID) ? { containerID: text(merged.containerID) } : {}),
    started: merged.started === true,
    ...(mounts.length ? { volumeMounts: mounts } : {}),
  };
}

/** A container not started yet, or not again: waiting, with a reason (and a message). */
export function waiting(spec: Json, prev: Json, reason: string, message?: string): Json {
  return containerStatus(spec, { waiting: { reason, ...(message ? { message } : {}) } }, prev, {
    ready: false,
    started: false,
  });
}

/** Which state a status is in. */
export function stateKind(status: Json): "waiting" | "running" | "terminated" | "none" {
  const state = record(status.state);
  if (state.running) return "running";
  if (state.terminated) return "terminated";
  if (state.waiting) return "waiting";
  return "none";
}

/** A pod's container statuses, init containers' first. */
export function allStatuses(pod: KubeObject): Json[] {
  const status = record(pod.status);
  return [...records(status.initContainerStatuses), ...records(status.containerStatuses)];
}

/** The waiting reason, or "". */
export function waitingReason(status: Json): string {
  return text(record(record(status.state).waiting).reason);
}

/** A timestamp as ms, or null. */
export function millis(value: unknown): number | null {
  const t = Date.parse(text(value));
  return Number.isNaN(t) ? null : t;
}

/** The last termination: the current state's, or the last state's while waiting to restart. */
export function lastTermination(status: Json): Json | null {
  const current = record(record(status.state).terminated);
  if (Object.keys(current).length) return current;
  const last = record(record(status.lastState).terminated);
  return Object.keys(last).length ? last : null;
}

/** The statuses of a list, by container name. */
export function statusesByName(value: unknown): Map<string, Json> {
  return new Map(list(value).map((s) => [text(record(s).name), record(s)]));
}
