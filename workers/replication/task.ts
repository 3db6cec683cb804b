import type { Database } from "../../db/connection.ts";
import { storageResource, viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { controllerOf } from "../../kube/meta/owners.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import {
  flavours,
  type ReplicaController,
  type ReplicaFlavour,
  replicaSetFlavour,
  replicationControllerFlavour,
} from "./flavours.ts";
import type { adoptionTask, replicationControllerTask } from "./jobs.ts";
import { isPodActive } from "./pods.ts";
import { syncReplicas } from "./reconcile.ts";

/** The job's payload: which controller of which sandbox, and how many syncs in a row failed. */
export type ReplicationJob = JobOf<typeof replicationControllerTask>;

/** The job's payload for an adoption check: the namespace whose orphan pods to look at. */
export type AdoptionJob = JobOf<typeof adoptionTask>;

/** Seconds before retrying a sync that could not create or delete pods: 1, 2, 4, … up to 5 minutes. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(2 ** Math.max(0, attempt - 1), 300);
}

/**
 * The task of one replica-keeping kind: re-reads the controller (gone: nothing to do), syncs
 * it, and schedules the next look when time alone will change something: a retry after a
 * failed create (with back-off), or the moment pods become available after minReadySeconds.
 */
export function replicationTask<T extends ReplicaController>(
  flavour: ReplicaFlavour<T>,
): (database: Database, job: ReplicationJob) => Promise<void> {
  return (database, job) =>
    doneIfSandboxGone(
      inSandbox(
        database,
        job.sandbox,
        async (w) => {
          const key = { resource: storageResource(flavour.kind), namespace: job.namespace, name: job.name };
          const controller = viewAs(flavour.kind, await w.get(key));
          if (!controller) return;
          const outcome = await syncReplicas(w, flavour, controller);
          const attempt = outcome.failed ? (job.attempt ?? 0) + 1 : 0;
          const delay = outcome.failed ? retryDelaySeconds(attempt) : outcome.requeueAfterSeconds;
          if (delay === null) return;
          const payload = { namespace: job.namespace, name: job.name, ...(attempt ? { attempt } : {}) };
          w.enqueue(flavour.task.job(payload, { runAt: new Date(Date.now() + delay * 1000) }));
        },
        // Its sync may create pods: a student's pod limit is then counted with the lock.
        { countPods: true },
      ),
    );
}

/** The replication controller's task. */
export const reconcileReplicationController = replicationTask(replicationControllerFlavour);

/** The replica-set controller's task. */
export const reconcileReplicaSet = replicationTask(replicaSetFlavour);

/**
 * The controllers' answer to a pod nobody controls (their pod add and update handlers): every
 * ReplicationController and ReplicaSet of the namespace whose selector matches one of its
 * orphans is woken, and its sync adopts it.
 */
export async function adoptOrphans(database: Database, job: AdoptionJob): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      // Controllers first: most namespaces with orphan pods have none, and then the pods (which
      // may be many) need not be read at all.
      const candidates: { flavour: ReplicaFlavour; controller: ReplicaController }[] = [];
      for (const flavour of flavours) {
        for (const stored of await w.listWhere(storageResource(flavour.kind), job.namespace)) {
          const controller = viewAs(flavour.kind, stored);
          if (!controller.metadata.deletionTimestamp) candidates.push({ flavour, controller });
        }
      }
      if (!candidates.length) return;
      const pods = (await w.listWhere("pods", job.namespace)).map((pod) => viewAs(podKind, pod));
      const orphans = pods.filter((p) => isPodActive(p) && !controllerOf(p));
      for (const { flavour, controller } of candidates) {
        if (!orphans.some((p) => flavour.selects(controller, p.metadata.labels ?? {}))) continue;
        const name = controller.metadata.name ?? "";
        w.enqueue(flavour.task.job({ namespace: job.namespace, name }));
      }
    }),
  );
}
