import { clone, timestamp } from "../../kube/object.ts";
import { exitCodeWhenStopped } from "../../kube/runtime/shell/program.ts";
import type { PodStatus } from "../../kube/types/core-v1.ts";
import { podConditions } from "./conditions.ts";
import { containerStatus, millis, stateKind } from "./container-status.ts";
import { containerRefs } from "./containers.ts";
import type { KubeletContext, Work } from "./context.ts";
import type { KubeletEvent } from "./messages.ts";
import { messages } from "./messages.ts";
import { podPhase } from "./phase.ts";
import { setStatus, statusOf } from "./start.ts";
import { stopMs } from "./timing.ts";

/**
 * A deleted pod on its node: the kubelet stops its containers (Killing events), records them
 * terminated, and removes the object. Containers stop within `stopMs` of the delete, or the
 * grace period if that is shorter; one that ignores SIGTERM ends with SIGKILL (137).
 */

/** What the termination comes to now: events to record, the final status, whether to remove the pod. */
export interface TerminationResult {
  events: KubeletEvent[];
  /** The last status before removal, when containers were running. */
  status: PodStatus | null;
  remove: boolean;
  next: number | null;
}

/** When the delete was asked for, and when the containers are down. */
function stopTime(ctx: KubeletContext): number {
  const grace = ctx.pod.metadata.deletionGracePeriodSeconds ?? 30;
  const deadline = millis(ctx.pod.metadata.deletionTimestamp) ?? ctx.now;
  return deadline - grace * 1000 + Math.min(grace * 1000, stopMs);
}

/** The termination step for a pod with a deletionTimestamp. */
export function terminate(ctx: KubeletContext): TerminationResult {
  const spec = ctx.pod.spec ?? {};
  const status = ctx.pod.status ?? {};
  const work: Work = { ctx, spec, status: clone(status), events: [] };
  const running = containerRefs(spec).filter((ref) => stateKind(statusOf(work, ref)) === "running");
  const phase = status.phase ?? "";
  if (!status.hostIP || phase === "Succeeded" || phase === "Failed" || !running.length)
    return { events: [], status: null, remove: true, next: null };
  const stopAt = stopTime(ctx);
  if (ctx.now < stopAt) {
    for (const ref of running)
      work.events.push({
        type: "Normal",
        reason: "Killing",
        message: messages.killing(ref.spec.name),
        fieldPath: ref.fieldPath,
      });
    return { events: work.events, status: null, remove: false, next: stopAt };
  }
  for (const ref of running) {
    const prev = statusOf(work, ref);
    const exitCode = exitCodeWhenStopped(ref.spec);
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? "Completed" : "Error",
      startedAt: prev?.state?.running?.startedAt,
      finishedAt: timestamp(new Date(stopAt)),
      containerID: prev?.containerID ?? "",
    };
    setStatus(work, ref, containerStatus(ref.spec, { terminated }, prev, { ready: false, started: false }));
  }
  work.status.phase = podPhase(spec, work.status, true);
  work.status.conditions = podConditions(spec, work.status, false, timestamp(new Date(ctx.now)));
  return { events: [], status: work.status, remove: true, next: null };
}
