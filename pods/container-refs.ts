import type { Container, ContainerStatus, Pod } from "../kube/types/core-v1.ts";

/** A pod's containers and their runs, as the files and logs of a run are kept by. */

/** All statuses of the pod's containers. */
export function statusesOf(pod: Pod): ContainerStatus[] {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
}

/** The pod's containers, init containers first. */
export function containersOf(pod: Pod): Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** The ID of a container run, as its status names it, without the runtime's prefix. */
export function runId(containerID: string | undefined): string {
  return (containerID ?? "").replace(/^[a-z]+:\/\//, "");
}

/**
 * The scopes a container run's files are kept under (db/pods/files.ts): its writable layer
 * (what exec, cp and its own processes wrote), and what its main process wrote (kept once:
 * pods/main-files.ts). A new run has new scopes, so a restart loses both; volumes are kept
 * under the pod (`v/NAME`) or the node (`h/PATH`).
 */
export function layerScope(container: string, containerId: string): string {
  return `c/${container}/${containerId}`;
}

/** The scope of what a run's main process wrote to its own layer. */
export function mainScope(container: string, containerId: string): string {
  return `m/${container}/${containerId}`;
}

/**
 * What a main scope holds was kept up to when, as its marker entry ("/") says: its content is
 * that time in ms, or empty when nothing the process does later changes a file (it ended, sleeps
 * for ever, or repeats a loop that writes none). Null when the scope has no marker: not kept.
 */
export function keptUntil(marker: { path: string; content: Uint8Array } | undefined): number | null {
  if (marker?.path !== "/") return null;
  if (!marker.content.length) return Number.POSITIVE_INFINITY;
  return Number(new TextDecoder().decode(marker.content)) || 0;
}

/** The marker entry of a main scope kept up to `untilMs` (Infinity: for good). */
export function keptMarker(untilMs: number) {
  const content = Number.isFinite(untilMs) ? new TextEncoder().encode(String(untilMs)) : new Uint8Array();
  return { path: "/", kind: "dir" as const, mode: 0o755, content };
}

/** The runs a pod's statuses name (each container's current and previous), by container ID. */
export function namedRuns(pod: Pod): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of statusesOf(pod))
    for (const id of [s.containerID, s.lastState?.terminated?.containerID])
      if (id) out.set(runId(id), s.name);
  return out;
}

/** A run: its container ID and when it started (and ended, for a finished one). */
export interface Run {
  containerId: string;
  startedMs: number;
  finishedMs: number | null;
}

/** The current run of a container (running or ended), or the previous one. */
export function runOf(status: ContainerStatus | undefined, previous: boolean): Run | null {
  if (!status) return null;
  if (previous) {
    const t = status.lastState?.terminated;
    if (!t?.containerID) return null;
    return {
      containerId: runId(t.containerID),
      startedMs: Date.parse(t.startedAt ?? "") || 0,
      finishedMs: Date.parse(t.finishedAt ?? "") || 0,
    };
  }
  const running = status.state?.running;
  if (running && status.containerID)
    return {
      containerId: runId(status.containerID),
      startedMs: Date.parse(running.startedAt ?? "") || 0,
      finishedMs: null,
    };
  const t = status.state?.terminated;
  if (t?.containerID)
    return {
      containerId: runId(t.containerID),
      startedMs: Date.parse(t.startedAt ?? "") || 0,
      finishedMs: Date.parse(t.finishedAt ?? "") || 0,
    };
  return null;
}
