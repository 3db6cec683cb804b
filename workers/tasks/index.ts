import type { Database } from "../../db/connection.ts";
import { compactChanges } from "./compact-changes.ts";
import { type DeploymentJob, syncDeployment } from "./deployment.ts";
import {
  type NamespaceEndpointsJob,
  type ServiceEndpointsJob,
  syncNamespaceEndpoints,
  syncServiceEndpoints,
} from "./endpoints.ts";
import { type GarbageCollectorJob, reconcileGarbage } from "./garbage-collector.ts";
import { type KubeletJob, syncPod } from "./kubelet.ts";
import { type WaitingPodsJob, wakeWaitingPods } from "./kubelet-waiting.ts";
import { type NamespaceJob, reconcileNamespace } from "./namespace.ts";
import {
  type AdoptionJob,
  adoptOrphans,
  type ReplicationJob,
  reconcileReplicaSet,
  reconcileReplicationController,
} from "./replication.ts";
import { type SchedulerJob, schedulePending, schedulePod } from "./scheduler.ts";
import { reconcileServiceAccounts, type ServiceAccountJob } from "./serviceaccount.ts";

/** A controller task: re-reads state by the job's key, reconciles, throws to be retried. */
export type ControllerTask = (database: Database, payload: Record<string, unknown>) => Promise<void>;

/** How long the change log keeps a change (etcd keeps 5 minutes; watches older get 410). */
const changeLogRetentionSeconds = Number(process.env.CHANGE_LOG_RETENTION_SECONDS ?? 900);

/**
 * Every queue task by name, one file each under workers/tasks/. The names are the ones
 * registry/triggers.ts enqueues. Issues that add controllers add their entry here.
 */
export const tasks: Record<string, ControllerTask> = {
  deployment: (database, payload) => syncDeployment(database, payload as unknown as DeploymentJob),
  endpoints: (database, payload) => syncServiceEndpoints(database, payload as unknown as ServiceEndpointsJob),
  endpoints_namespace: (database, payload) =>
    syncNamespaceEndpoints(database, payload as unknown as NamespaceEndpointsJob),
  namespace: (database, payload) => reconcileNamespace(database, payload as unknown as NamespaceJob),
  compact_changes: async (database) => {
    await compactChanges(database, changeLogRetentionSeconds);
  },
  replicationcontroller: (database, payload) =>
    reconcileReplicationController(database, payload as unknown as ReplicationJob),
  replicaset: (database, payload) => reconcileReplicaSet(database, payload as unknown as ReplicationJob),
  replication_adopt: (database, payload) => adoptOrphans(database, payload as unknown as AdoptionJob),
  garbage_collector: (database, payload) =>
    reconcileGarbage(database, payload as unknown as GarbageCollectorJob),
  serviceaccount: (database, payload) =>
    reconcileServiceAccounts(database, payload as unknown as ServiceAccountJob),
  scheduler: (database, payload) =>
    schedulePod(database, payload as unknown as SchedulerJob, { startInline: true }),
  schedule_pending: (database, payload) => schedulePending(database, payload as { sandbox: string }),
  kubelet: (database, payload) => syncPod(database, payload as unknown as KubeletJob),
  kubelet_waiting: (database, payload) => wakeWaitingPods(database, payload as unknown as WaitingPodsJob),
};
