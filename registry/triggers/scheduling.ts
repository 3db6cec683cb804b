import { isTerminal, kubeletShouldLook, wantsScheduling } from "../../kube/kinds/pod/state.ts";
import { record, text } from "../../kube/validation/json.ts";
import type { Job, Trigger } from "../triggers.ts";

/**
 * The scheduler's and the kubelet's trigger rules. A pod waiting for the scheduler gets a
 * scheduling job; a bound pod its kubelet has something new to do with gets a kubelet job;
 * and whatever may let pending pods fit now — a node written, a bound pod removed or finished —
 * gets one retry of the sandbox's pending pods.
 */

const podKey = (w: Parameters<Trigger>[0]) => `${w.namespace}/${w.name}`;
const retry = { task: "schedule_pending", key: "pending", payload: {} };

/**
 * The kubelet's job for a pod, due now or at `runAt`: what its writes trigger, what the
 * kubelet asks for its next step, and what other controllers enqueue to wake it.
 */
export function kubeletJob(namespace: string, name: string, runAt?: Date): Job {
  return {
    task: "kubelet",
    key: `${namespace}/${name}`,
    payload: { namespace, name },
    ...(runAt ? { runAt } : {}),
  };
}

/** On pods: schedule, wake the kubelet, retry pending pods when resources free up. */
export const podTriggers: Trigger[] = [
  (w) =>
    w.type !== "DELETED" && wantsScheduling(w.object)
      ? [{ task: "scheduler", key: podKey(w), payload: { namespace: w.namespace, name: w.name } }]
      : [],
  (w) => (w.type !== "DELETED" && kubeletShouldLook(w.object) ? [kubeletJob(w.namespace, w.name)] : []),
  (w) => {
    if (!text(record(w.object.spec).nodeName)) return [];
    const freed = w.type === "DELETED" ? !isTerminal(w.object) : isTerminal(w.object);
    return freed ? [retry] : [];
  },
];

/** The task that wakes a namespace's pods waiting for a Secret or ConfigMap; key the namespace. */
export const waitingPodsTask = "kubelet_waiting";

/**
 * On Secrets and ConfigMaps: one written may be what a pod of its namespace waits for (to
 * mount it, or to make a container's env from it); its kubelet looks again now rather than at
 * its next retry. Only where such a pod exists.
 */
export const referencedWritten: Trigger = (w) =>
  w.type === "DELETED"
    ? []
    : [
        {
          task: waitingPodsTask,
          key: w.namespace,
          payload: { namespace: w.namespace },
          onlyIfPodsWaitingIn: w.namespace,
        },
      ];

/** On nodes: any change to a node may let pending pods fit. */
export const nodeTriggers: Trigger[] = [() => [retry]];
