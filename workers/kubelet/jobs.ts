import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** Syncs one pod on its node; key `<namespace>/<name>`. */
export const kubeletTask = defineTask(
  "kubelet",
  z.object({ namespace: z.string(), name: z.string() }),
  (p) => `${p.namespace}/${p.name}`,
);

/** Wakes the pods of a namespace that wait for a Secret or ConfigMap; key the namespace. */
export const waitingPodsTask = defineTask(
  "kubelet_waiting",
  z.object({ namespace: z.string() }),
  (p) => p.namespace,
);

/**
 * The kubelet's job for a pod, due now or at `runAt`: what its writes trigger, what the
 * kubelet asks for its next step, and what other controllers enqueue to wake it.
 */
export function kubeletJob(namespace: string, name: string, runAt?: Date) {
  return kubeletTask.job({ namespace, name }, runAt ? { runAt } : {});
}
