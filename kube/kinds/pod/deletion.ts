import type { Pod } from "../../types/core-v1.ts";

/**
 * The pod strategy's CheckGracefulDelete: the requested grace period, else the pod's
 * terminationGracePeriodSeconds; 0 for a pod no node runs (unscheduled) or one already
 * finished, since there is nothing to stop; a negative period counts as 1 second.
 */
export function podGracePeriod(pod: Pod, requested: number | undefined): number {
  const phase = pod.status?.phase;
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
  if (!pod.spec?.nodeName) period = 0;
  if (phase === "Succeeded" || phase === "Failed") period = 0;
  return period < 0 ? 1 : period;
}
