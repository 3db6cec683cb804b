import type { QueuedJob } from "../db/queue.ts";
import type { SandboxWriter, Written } from "../db/store.ts";
import {
  deploymentPodDeleted,
  deploymentReplicaSetWritten,
  deploymentWritten,
} from "./triggers/deployment.ts";
import {
  endpointSliceDeleted,
  endpointsDeleted,
  endpointsPodWritten,
  serviceWritten,
} from "./triggers/endpoints.ts";
import { garbageCollectionWritten } from "./triggers/garbage-collector.ts";
import { controllerWritten, podWritten, replicationTasks } from "./triggers/replication.ts";
import { nodeTriggers, podTriggers, referencedWritten } from "./triggers/scheduling.ts";
import { configMapWritten, namespaceAdded, serviceAccountWritten } from "./triggers/serviceaccount.ts";

/**
 * A job to enqueue: the task, the key it is debounced by (sandbox-scoped), its payload, and
 * optionally a guard that leaves it out where it would find nothing to do (db/queue.ts).
 */
export type Job = QueuedJob;

/**
 * Which controllers a write wakes, by storage resource. Each rule reads only the written object
 * (no queries): level-triggered controllers re-read the state they need when they run.
 */
export type Trigger = (written: Written) => Job[];

/**
 * The rules, keyed by storage resource ("*": every resource); issues that add controllers add
 * their rules here.
 */
export const triggers: Record<string, Trigger[]> = {
  namespaces: [
    // A namespace being deleted wakes the namespace controller, which empties and removes it.
    (w) =>
      w.type !== "DELETED" && w.object.metadata.deletionTimestamp
        ? [{ task: "namespace", key: w.name, payload: { name: w.name } }]
        : [],
    namespaceAdded,
  ],
  replicationcontrollers: [controllerWritten(replicationTasks.replicationcontrollers)],
  "replicasets.apps": [controllerWritten(replicationTasks["replicasets.apps"]), deploymentReplicaSetWritten],
  pods: [podWritten, deploymentPodDeleted, endpointsPodWritten, ...podTriggers],
  nodes: nodeTriggers,
  "deployments.apps": [deploymentWritten],
  services: [serviceWritten],
  endpoints: [endpointsDeleted],
  "endpointslices.discovery.k8s.io": [endpointSliceDeleted],
  serviceaccounts: [serviceAccountWritten],
  configmaps: [configMapWritten, referencedWritten],
  secrets: [referencedWritten],
  "*": [garbageCollectionWritten],
};

/**
 * Adds to the writer's jobs (enqueued with its last statement, before commit) the ones every
 * write of it calls for, once per task and key (a burst of writes to one object becomes one
 * job). A job the transaction asked for wins over one its own writes trigger: the controller
 * that wrote them has already acted on them and knows when it wants to look next; and a job it
 * does the work of itself (`w.handled`) is not triggered at all.
 */
export function enqueueTriggered(w: SandboxWriter): void {
  const jobs = new Map<string, Job>();
  for (const written of w.written)
    for (const rule of [...(triggers[written.resource] ?? []), ...(triggers["*"] ?? [])])
      for (const job of rule(written))
        if (!w.handled.has(`${job.task}:${job.key}`)) jobs.set(`${job.task}:${job.key}`, job);
  for (const [id, job] of w.jobs) jobs.set(id, job);
  w.jobs.clear();
  for (const [id, job] of jobs) w.jobs.set(id, job);
}
