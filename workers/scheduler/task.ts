import type { Database } from "../../db/connection.ts";
import type { ObjectFilter } from "../../db/filters.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { isTerminal, wantsScheduling } from "../../kube/kinds/pod/state.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { kubeletJob } from "../kubelet/jobs.ts";
import { distinctJobs, readEachOnce, SandboxBatches } from "../queue/batches.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import { completeHandOver, type HandOver, handOverBound, resumeHandOver } from "./hand-over.ts";
import type { schedulePendingTask, schedulerTask } from "./jobs.ts";
import { loadNodeInfos, type NodeInfo } from "./node-info.ts";
import { scheduleOne } from "./schedule.ts";
import { advanceSchedulerSnapshot, prefetchSchedulerSnapshot } from "./snapshot.ts";

/** A scheduler job: the pod to place. */
export type SchedulerJob = JobOf<typeof schedulerTask>;

/** How a scheduler job runs: at what time, and whether it starts the pod it binds itself. */
export interface SchedulePodOptions {
  now?: number;
  /**
   * The node's kubelet takes the pod on in the binding's transaction; with this (the queue's
   * default) it starts it there too, as of when ContainerCreating ends, instead of in a delayed
   * kubelet job: one queue trip and one transaction less per pod (hand-over.ts).
   */
  startInline?: boolean;
}

/** What one scheduling run left for after its commit. */
interface Scheduled {
  handOver: HandOver | null;
  /** The pod was bound already (by an earlier run, or someone else) and still runs. */
  alreadyBound: boolean;
}

interface SchedulingRun {
  job: SchedulerJob;
  now: number;
  startInline: boolean;
}

const podKeyOf = (job: SchedulerJob) => ({ resource: "pods", namespace: job.namespace, name: job.name });
const podId = (job: SchedulerJob) => `${job.namespace}/${job.name}`;

/**
 * The scheduler's runs of one sandbox that wait for its turn together, in one transaction (a
 * burst's pods, scheduled in arrival order): every pod read with the lock, the nodes' state
 * loaded once before the first binding and kept up to date by each (scheduleOne), so the batch
 * places its pods as one run after another would. A second run for the same pod reads it again.
 */
const podSchedulings = new SandboxBatches<SchedulingRun, Scheduled>({
  early: (w, runs) => {
    w.prefetch({
      objects: distinctJobs(runs, (r) => podId(r.job)).map((r) => podKeyOf(r.job)),
      // The services of the pods' namespaces, whose variables the containers the kubelet starts
      // get (pods/env.ts): read with the lock, not between the binding's writes and the commit.
      lists: [...new Set(runs.map((r) => r.job.namespace))].map((namespace) => ({
        resource: "services",
        namespace,
      })),
    });
    prefetchSchedulerSnapshot(w);
  },
  // The snapshot moves on with the pods this transaction bound and started (snapshot.ts).
  committed: advanceSchedulerSnapshot,
  run: async (w, runs, database) => {
    const firstReads = readEachOnce(
      runs,
      (r) => podId(r.job),
      (r) => w.get(podKeyOf(r.job)),
    );
    await Promise.all(firstReads);
    // Loaded before this transaction writes a pod: the first run that schedules does so first.
    let infos: NodeInfo[] | null = null;
    const done: Scheduled[] = [];
    for (const [i, r] of runs.entries()) {
      const pod = viewAs(podKind, await (firstReads[i] ?? w.get(podKeyOf(r.job))));
      if (!pod || !wantsScheduling(pod)) {
        done.push({ handOver: null, alreadyBound: !!pod?.spec?.nodeName && !isTerminal(pod) });
        continue;
      }
      infos ??= await loadNodeInfos(w);
      // The binding, the Scheduled event and the kubelet's first status go with the commit.
      const result = await scheduleOne(w, infos, pod, { repeatEvents: false });
      const handOver =
        result && "bound" in result
          ? await handOverBound(
              w,
              database,
              r.job,
              { pod: result.bound, node: result.node.node, nodePods: result.node.pods },
              r.now,
              r.startInline,
            )
          : null;
      done.push({ handOver, alreadyBound: false });
    }
    return done;
  },
});

/**
 * The scheduler, woken by a write to an unscheduled pod: re-reads the pod and, if it still waits
 * for the default scheduler, runs one scheduling cycle for it; a pod it binds is handed over to
 * its node's kubelet (hand-over.ts says how, and why here). Runs of one sandbox that wait for its
 * turn together share a transaction (podSchedulings).
 */
export async function schedulePod(
  database: Database,
  job: SchedulerJob,
  options: SchedulePodOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  const run = { job, now, startInline: !!options.startInline };
  const scheduled = await doneIfSandboxGone(podSchedulings.run(database, job.sandbox, run));
  if (scheduled?.handOver) completeHandOver(database, scheduled.handOver);
  else if (scheduled?.alreadyBound && options.startInline) await resumeHandOver(database, job, now);
}

/** The scheduling queue's order: higher priority first, then older first. */
function queueOrder(a: Pod, b: Pod): number {
  const priority = (pod: Pod) => pod.spec?.priority ?? 0;
  const key = (pod: Pod) =>
    `${pod.metadata.creationTimestamp ?? ""} ${pod.metadata.namespace}/${pod.metadata.name}`;
  return priority(b) - priority(a) || key(a).localeCompare(key(b));
}

/**
 * The retry of a sandbox's pending pods, woken when something that may let them fit changed (a
 * node written, a pod deleted or finished): schedules every unscheduled pod again, in queue
 * order, and hands pods bound to a node that has appeared since to that node's kubelet.
 */
export async function schedulePending(
  database: Database,
  job: JobOf<typeof schedulePendingTask>,
): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const pods = async (filter: ObjectFilter) =>
        (await w.listWhere("pods", null, filter)).map((p) => viewAs(podKind, p));
      const unbound = await pods({
        labels: [],
        fields: [
          { requirement: { field: "spec.nodeName", op: "eq", value: "" }, path: ["spec", "nodeName"] },
        ],
      });
      const pending = unbound.filter(wantsScheduling).sort(queueOrder);
      const infos = await loadNodeInfos(w);
      for (const pod of pending) await scheduleOne(w, infos, pod, { repeatEvents: true });
      const nodes = new Set(infos.map((i) => i.name));
      const waiting = await pods({
        labels: [],
        fields: [
          { requirement: { field: "spec.nodeName", op: "neq", value: "" }, path: ["spec", "nodeName"] },
          { requirement: { field: "status.hostIP", op: "eq", value: "" }, path: ["status", "hostIP"] },
        ],
      });
      for (const pod of waiting)
        if (nodes.has(pod.spec?.nodeName ?? "") && !isTerminal(pod)) {
          w.enqueue(kubeletJob(pod.metadata.namespace ?? "", pod.metadata.name ?? ""));
        }
    }),
  );
}
