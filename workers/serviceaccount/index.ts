import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { serviceAccountTask } from "./jobs.ts";
import { reconcileServiceAccounts } from "./task.ts";
import { serviceAccountTriggers } from "./triggers.ts";

/** The service account controller and the root CA publisher: what every namespace has. */
export const serviceAccountController: Controller = {
  name: "serviceaccount",
  handlers: [
    handle(serviceAccountTask, (ctx, job) => reconcileServiceAccounts(ctx.database, job, ctx.clusterCaPem)),
  ],
  triggers: serviceAccountTriggers,
};
