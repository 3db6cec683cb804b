import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { schedulePendingTask, schedulerTask } from "./jobs.ts";
import { schedulePending, schedulePod } from "./task.ts";
import { schedulerTriggers } from "./triggers.ts";

/** The default scheduler: places each pod, and tries pending pods again when something frees up. */
export const schedulerController: Controller = {
  name: "scheduler",
  handlers: [
    // Run by the queue, a job that binds a pod also starts it (hand-over.ts).
    handle(schedulerTask, (ctx, job) => schedulePod(ctx.database, job, { startInline: true })),
    handle(schedulePendingTask, (ctx, job) => schedulePending(ctx.database, job)),
  ],
  triggers: schedulerTriggers,
};
