import type { Database } from "../../db/connection.ts";
import { listObjects } from "../../db/store.ts";
import { isTerminal, wantsScheduling } from "../../kube/kinds/pod/state.ts";
import type { KubeObject } from "../../kube/object.ts";
import { num, record, text } from "../../kube/validation/json.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { kubeletJob } from "../../registry/triggers/scheduling.ts";
import { doneIfSandboxGone } from "../done.ts";
import { loadNodeInfos } from "../scheduler/node-info.ts";
import { scheduleOne } from "../scheduler/schedule.ts";
import { prefetchSchedulerSnapshot } from "../scheduler/snapshot.ts";
import { wakeAt } from "../wakeup.ts";
import { syncPod, takeOn } from "./kubelet.ts";

/** A scheduler job: the pod to place. */
export interface SchedulerJob {
  sandbox: string;
  namespace: string;
  name: string;
}

/** How a scheduler job runs: at what time, and whether it starts the pod it binds itself. */
export interface SchedulePodOptions {
  now?: number;
  /**
   * The node's kubelet takes the pod on in the binding's transaction; with this (the queue's
   * default) the job then waits the few milliseconds of ContainerCreating and runs the start
   * itself, instead of a delayed kubelet job — one queue trip less per pod. Should the process
   * die meanwhile, the job is run again (it is not done until then), finds the pod bound, and
   * syncs its kubelet.
   */
  startInline?: boolean;
}

/**
 * The scheduler, woken by a write to an unscheduled pod: re-reads the pod and, if it still waits
 * for the default scheduler, runs one scheduling cycle for it.
 */
export async function schedulePod(
  database: Database,
  job: SchedulerJob,
  options: SchedulePodOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  const podKey = { resource: "pods", namespace: job.namespace, name: job.name };
  let next: number | null = null;
  let inline = false;
  let alreadyBound = false;
  await doneIfSandboxGone(
    inSandbox(
      database,
      job.sandbox,
      async (w) => {
        const pod = await w.get(podKey);
        if (!pod) return;
        if (!wantsScheduling(pod)) {
          alreadyBound = !!text(record(pod.spec).nodeName) && !isTerminal(pod);
          return;
        }
        const infos = await loadNodeInfos(w);
        // The binding, the Scheduled event and the kubelet's first status go as one statement,
        // with the commit.
        await w.batch(
          async () => {
            const result = await scheduleOne(w, infos, pod, { repeatEvents: false });
            // The node's kubelet sees the binding at once and takes the pod on: done here, in the
            // same transaction (after the binding's own write), it saves a queue job per pod.
            if (result && "bound" in result) {
              // The kubelet acts after the binding (its events follow the Scheduled one).
              const taken = await takeOn(w, result.bound, result.node.node, options.now ?? Date.now(), {
                nodePods: result.node.pods,
                startInline: options.startInline,
              });
              next = taken.next;
              inline = taken.inline;
            }
          },
          { untilCommit: true },
        );
      },
      (w) => {
        w.prefetch(podKey);
        prefetchSchedulerSnapshot(w);
      },
    ),
  );
  if (next !== null && inline) {
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await syncPod(database, job, Math.max(next, Date.now()));
  } else if (next !== null) wakeAt(database, next);
  // Run again after a crash, or the pod was bound by someone else: its kubelet looks now.
  else if (alreadyBound && options.startInline) await syncPod(database, job, now);
}

/** The scheduling queue's order: higher priority first, then older first. */
function queueOrder(a: KubeObject, b: KubeObject): number {
  const priority = (pod: KubeObject) => num(record(pod.spec).priority) ?? 0;
  const key = (pod: KubeObject) =>
    `${text(pod.metadata.creationTimestamp)} ${pod.metadata.namespace}/${pod.metadata.name}`;
  return priority(b) - priority(a) || key(a).localeCompare(key(b));
}

/**
 * The retry of a sandbox's pending pods, woken when something that may let them fit changed (a
 * node written, a pod deleted or finished): schedules every unscheduled pod again, in queue
 * order, and hands pods bound to a node that has appeared since to that node's kubelet.
 */
export async function schedulePending(database: Database, job: { sandbox: string }): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const unbound = await listObjects(w.tx, w.sandboxId, "pods", null, {
        labels: [],
        fields: [
          { requirement: { field: "spec.nodeName", op: "eq", value: "" }, path: ["spec", "nodeName"] },
        ],
      });
      const pending = (unbound?.items ?? []).filter(wantsScheduling).sort(queueOrder);
      const infos = await loadNodeInfos(w);
      for (const pod of pending) await scheduleOne(w, infos, pod, { repeatEvents: true });
      const nodes = new Set(infos.map((i) => i.name));
      const waiting = await listObjects(w.tx, w.sandboxId, "pods", null, {
        labels: [],
        fields: [
          { requirement: { field: "spec.nodeName", op: "neq", value: "" }, path: ["spec", "nodeName"] },
          { requirement: { field: "status.hostIP", op: "eq", value: "" }, path: ["status", "hostIP"] },
        ],
      });
      for (const pod of waiting?.items ?? [])
        if (nodes.has(text(record(pod.spec).nodeName)) && !isTerminal(pod)) {
          w.enqueue(kubeletJob(pod.metadata.namespace ?? "", pod.metadata.name ?? ""));
        }
    }),
  );
}
