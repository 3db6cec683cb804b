import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { kubeletTask, waitingPodsTask } from "./jobs.ts";
import { syncPod } from "./task.ts";
import { kubeletTriggers } from "./triggers.ts";
import { wakeWaitingPods } from "./waiting-pods.ts";

/** The simulated kubelet of every node: takes pods on, runs, restarts and stops their containers. */
export const kubeletController: Controller = {
  name: "kubelet",
  handlers: [
    handle(kubeletTask, (ctx, job) => syncPod(ctx.database, job)),
    handle(waitingPodsTask, (ctx, job) => wakeWaitingPods(ctx.database, job)),
  ],
  triggers: kubeletTriggers,
};
