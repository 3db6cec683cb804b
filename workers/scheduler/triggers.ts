import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { isTerminal, wantsScheduling } from "../../kube/kinds/pod/state.ts";
import type { Trigger } from "../queue/controller.ts";
import { schedulePendingTask, schedulerTask } from "./jobs.ts";

/** A pod waiting for the default scheduler: the scheduler places it. */
const podWaits: Trigger = (w) =>
  w.type !== "DELETED" && wantsScheduling(viewAs(podKind, w.object))
    ? [schedulerTask.job({ namespace: w.namespace, name: w.name })]
    : [];

/** A bound pod removed or finished frees what it held: pending pods may fit now. */
const podFreed: Trigger = (w) => {
  const pod = viewAs(podKind, w.object);
  if (!pod.spec?.nodeName) return [];
  const freed = w.type === "DELETED" ? !isTerminal(pod) : isTerminal(pod);
  return freed ? [schedulePendingTask.job({})] : [];
};

/** Any change to a node may let pending pods fit. */
const nodeWritten: Trigger = () => [schedulePendingTask.job({})];

/** The scheduler's trigger rules. */
export const schedulerTriggers = { pods: [podWaits, podFreed], nodes: [nodeWritten] };
