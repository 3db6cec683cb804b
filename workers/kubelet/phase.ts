import type { PodSpec, PodStatus } from "../../kube/types/core-v1.ts";
import { statusesByName } from "./container-status.ts";

/**
 * The kubelet's getPhase (pkg/kubelet/kubelet_pods.go): the pod phase from its containers'
 * states and its restart policy. `terminal` is set for a pod the kubelet has stopped for good
 * (deleted), whose containers will not restart whatever the policy.
 */
export function podPhase(spec: PodSpec, status: PodStatus, terminal: boolean): string {
  const init = statusesByName(status.initContainerStatuses);
  const main = statusesByName(status.containerStatuses);
  let pendingInit = 0;
  let failedInit = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let anyRegularStarted = false;
  for (const c of spec.initContainers ?? []) {
    const s = init.get(c.name);
    const state = s?.state ?? {};
    if (c.restartPolicy === "Always") {
      // Sidecars: running counts as running; stopped ones count once the pod is terminal.
      if (state.running) running++;
      else if (state.terminated && terminal) {
        stopped++;
        succeeded++;
      }
      continue;
    }
    const last = s?.lastState?.terminated;
    if (!s || state.running) pendingInit++;
    else if (state.terminated) {
      if (state.terminated.exitCode !== 0) failedInit++;
    } else if (state.waiting && last && Object.keys(last).length) {
      if (last.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  for (const c of spec.containers ?? []) {
    const s = main.get(c.name);
    const state = s?.state ?? {};
    if (!s) {
      unknown++;
      continue;
    }
    if (state.running || state.terminated || s.lastState?.terminated) anyRegularStarted = true;
    if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? "Always";
  if (failedInit > 0 && policy === "Never") return "Failed";
  if ((pendingInit > 0 && !anyRegularStarted) || waiting > 0) return "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? "Succeeded" : "Failed";
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}
