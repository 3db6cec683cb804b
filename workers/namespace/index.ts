import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { namespaceTask } from "./jobs.ts";
import { reconcileNamespace } from "./task.ts";
import { namespaceTriggers } from "./triggers.ts";

/** The namespace controller: empties a namespace being deleted, then removes it. */
export const namespaceController: Controller = {
  name: "namespace",
  handlers: [handle(namespaceTask, (ctx, job) => reconcileNamespace(ctx.database, job))],
  triggers: namespaceTriggers,
};
