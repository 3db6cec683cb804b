import type { KubeObject } from "../../object.ts";
import { record } from "../../validation/json.ts";

/**
 * The pod strategy's CheckGracefulDelete: the requested grace period, else the pod's
 * terminationGracePeriodSeconds; 0 for a pod no node runs (unscheduled) or one already
 * finished, since there is nothing to stop; a negative period counts as 1 second.
 */
export function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = record(pod.spec);
  const phase = record(pod.status).phase;
  let period =
    requested ??
    (typeof spec.terminationGracePeriodSeconds === "number" ? spec.terminationGracePeriodSeconds : 0);
  if (!spec.nodeName) period = 0;
  if (phase === "Succeeded" || phase === "Failed") period = 0;
  return period < 0 ? 1 : period;
}
