import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { garbageCollectorTask } from "./jobs.ts";
import { reconcileGarbage } from "./task.ts";
import { garbageCollectorTriggers } from "./triggers.ts";

/** The garbage collector: dependents of deleted owners, orphaning and foreground deletion. */
export const garbageCollector: Controller = {
  name: "garbage-collector",
  handlers: [handle(garbageCollectorTask, (ctx, job) => reconcileGarbage(ctx.database, job))],
  triggers: garbageCollectorTriggers,
};
