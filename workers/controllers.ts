import { changeLogCompaction } from "./change-log/index.ts";
import { deploymentController } from "./deployment/index.ts";
import { endpointsController } from "./endpoints/index.ts";
import { eventExpiry } from "./event-expiry/index.ts";
import { garbageCollector } from "./garbage-collector/index.ts";
import { kubeletController } from "./kubelet/index.ts";
import { namespaceController } from "./namespace/index.ts";
import { orphanRows } from "./orphan-rows/index.ts";
import { type Controller, triggerRulesOf } from "./queue/controller.ts";
import { replicationController } from "./replication/index.ts";
import { schedulerController } from "./scheduler/index.ts";
import { serviceAccountController } from "./serviceaccount/index.ts";

/**
 * Every controller, each in its folder under workers/ with its tasks (jobs.ts), its handlers
 * (task.ts) and the writes that wake it (triggers.ts). A new controller is a folder and a line
 * here; nothing else names it.
 */
export const controllers: Controller[] = [
  namespaceController,
  serviceAccountController,
  schedulerController,
  kubeletController,
  replicationController,
  deploymentController,
  endpointsController,
  garbageCollector,
  changeLogCompaction,
  eventExpiry,
  orphanRows,
];

/**
 * The controllers' trigger rules: what every process that writes to sandboxes gives its
 * database handle (db/connection.ts), so its writes enqueue the jobs they call for.
 */
export const triggerRules = triggerRulesOf(controllers);
