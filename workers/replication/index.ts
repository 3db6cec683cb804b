import type { Controller } from "../queue/controller.ts";
import { handle } from "../queue/task.ts";
import { adoptionTask, replicaSetTask, replicationControllerTask } from "./jobs.ts";
import { adoptOrphans, reconcileReplicaSet, reconcileReplicationController } from "./task.ts";
import { replicationTriggers } from "./triggers.ts";

/** The replication controller and the replica-set controller (one implementation, two flavours). */
export const replicationController: Controller = {
  name: "replication",
  handlers: [
    handle(replicationControllerTask, (ctx, job) => reconcileReplicationController(ctx.database, job)),
    handle(replicaSetTask, (ctx, job) => reconcileReplicaSet(ctx.database, job)),
    handle(adoptionTask, (ctx, job) => adoptOrphans(ctx.database, job)),
  ],
  triggers: replicationTriggers,
};
