import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { namespaceEndpointsTask, serviceEndpointsTask } from "./jobs.ts";
import { syncNamespaceEndpoints, syncServiceEndpoints } from "./task.ts";
import { endpointsTriggers } from "./triggers.ts";

/** The endpoints and endpointslice controllers: the pods behind each service. */
export const endpointsController: Controller = {
  name: "endpoints",
  handlers: [
    handle(serviceEndpointsTask, (ctx, job) => syncServiceEndpoints(ctx.database, job)),
    handle(namespaceEndpointsTask, (ctx, job) => syncNamespaceEndpoints(ctx.database, job)),
  ],
  triggers: endpointsTriggers,
};
