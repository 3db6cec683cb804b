import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** One controller to sync, and how many syncs in a row failed (for the retry's back-off). */
const controllerPayload = z.object({
  namespace: z.string(),
  name: z.string(),
  attempt: z.number().int().optional(),
});
const controllerKey = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

/** Syncs one ReplicationController; key `<namespace>/<name>`. */
export const replicationControllerTask = defineTask(
  "replicationcontroller",
  controllerPayload,
  controllerKey,
);

/** Syncs one ReplicaSet; key `<namespace>/<name>`. */
export const replicaSetTask = defineTask("replicaset", controllerPayload, controllerKey);

/** Looks for a controller to adopt a namespace's orphan pods; key the namespace. */
export const adoptionTask = defineTask(
  "replication_adopt",
  z.object({ namespace: z.string() }),
  (p) => p.namespace,
);
