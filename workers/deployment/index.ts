import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { deploymentTask } from "./jobs.ts";
import { syncDeployment } from "./task.ts";
import { deploymentTriggers } from "./triggers.ts";

/** The deployment controller: rollouts through ReplicaSets. */
export const deploymentController: Controller = {
  name: "deployment",
  handlers: [handle(deploymentTask, (ctx, job) => syncDeployment(ctx.database, job))],
  triggers: deploymentTriggers,
};
