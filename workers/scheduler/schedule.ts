import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { wantsScheduling } from "../../kube/kinds/pod/state.ts";
import { timestamp } from "../../kube/object.ts";
import type { Pod, PodCondition, PodStatus } from "../../kube/types/core-v1.ts";
import { bindInTransaction } from "../../registry/binding.ts";
import { recordEvent, recordEvents } from "../../registry/events.ts";
import { type FilterStatus, runFilters } from "./filters.ts";
import { fitErrorMessage } from "./fit-error.ts";
import { addPod, type NodeInfo } from "./node-info.ts";
import { selectHost } from "./score.ts";

/** How a scheduling attempt reports a failure it reported before. */
export interface ScheduleOptions {
  /**
   * Record FailedScheduling again even when the pod's condition already says the same: true for
   * retries woken by cluster changes (the real scheduler records every attempt), false for the
   * attempt woken by the pod's own write, which may be the scheduler's condition update.
   */
  repeatEvents: boolean;
}

/** The outcome of one attempt. */
export type ScheduleResult = { bound: Pod; node: NodeInfo } | { unschedulable: string };

const component = "default-scheduler";

/** kube-scheduler's errors that are not a FitError: the condition's reason is SchedulerError. */
const noNodes = "no nodes available to schedule pods";

async function markUnschedulable(
  w: SandboxWriter,
  pod: Pod,
  reason: "Unschedulable" | "SchedulerError",
  message: string,
  options: ScheduleOptions,
): Promise<void> {
  const conditions: PodCondition[] = pod.status?.conditions ?? [];
  const old = conditions.find((c) => c.type === "PodScheduled");
  const same = old?.status === "False" && old.reason === reason && old.message === message;
  if (!same) {
    const condition: PodCondition = {
      type: "PodScheduled",
      status: "False",
      lastProbeTime: null,
      lastTransitionTime: old?.status === "False" ? old.lastTransitionTime : timestamp(),
      reason,
      message,
    };
    const status: PodStatus = {
      ...pod.status,
      conditions: old ? conditions.map((c) => (c === old ? condition : c)) : [...conditions, condition],
    };
    const key = { resource: "pods", namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "" };
    // A new object sharing the pod's metadata, so the event below names the resourceVersion written.
    await w.update(key, { ...pod, status });
  }
  if (!same || options.repeatEvents)
    await recordEvent(w, pod, { type: "Warning", reason: "FailedScheduling", message, component });
}

/**
 * One scheduling cycle for one pod, inside the caller's transaction: filter the nodes, score
 * those that pass, bind to the best (PodScheduled=True and a Scheduled event), or record why
 * none fits (PodScheduled=False, reason Unschedulable, and a FailedScheduling event with the
 * same message). `infos` is updated with the pod it binds, so a batch schedules consistently.
 */
export async function scheduleOne(
  w: SandboxWriter,
  infos: NodeInfo[],
  pod: Pod,
  options: ScheduleOptions,
): Promise<ScheduleResult | null> {
  if (!wantsScheduling(pod)) return null;
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  if (!infos.length) {
    await markUnschedulable(w, pod, "SchedulerError", noNodes, options);
    return { unschedulable: noNodes };
  }
  const statuses = new Map<string, FilterStatus>();
  const feasible: NodeInfo[] = [];
  for (const info of infos) {
    const status = runFilters(pod, info);
    if (status) statuses.set(info.name, status);
    else feasible.push(info);
  }
  const host = selectHost(pod, feasible);
  if (!host) {
    const message = fitErrorMessage(pod, infos, statuses);
    await markUnschedulable(w, pod, "Unschedulable", message, options);
    return { unschedulable: message };
  }
  const bound = viewAs(podKind, await bindInTransaction(w, namespace, name, host.name, pod));
  addPod(host, bound);
  // A pod is bound once: its Scheduled event is never a repeat.
  await recordEvents(
    w,
    bound,
    [
      {
        type: "Normal",
        reason: "Scheduled",
        message: `Successfully assigned ${namespace}/${name} to ${host.name}`,
        component,
      },
    ],
    { noneBefore: true },
  );
  return { bound, node: host };
}
