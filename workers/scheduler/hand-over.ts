import type { Database } from "../../db/connection.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import type { Node, Pod } from "../../kube/types/core-v1.ts";
import { kubeletJob } from "../kubelet/jobs.ts";
import { syncPod, takeOn } from "../kubelet/task.ts";
import { wakeAt } from "../queue/wakeup.ts";

/**
 * The one place where the scheduler does a kubelet's work, and why. A real kubelet sees a
 * binding through its watch within milliseconds; here a kubelet job would cost a queue trip (a
 * job row written, fetched, locked, completed) and a transaction for each of a pod's two first
 * steps. So the scheduler's job, having bound the pod, lets the node's kubelet take it on in the
 * binding's own transaction (IP, hostIP, ContainerCreating: one more held write) and — when the
 * queue runs it (`startInline`) — start it there too, as of the moment ContainerCreating ends
 * (a third held write: watchers see each state, in order, from one commit). Without
 * `startInline` the start is left to a delayed kubelet job. Should the process die before the
 * commit, the scheduler's job is run again, finds the pod unbound, and does it all again; a pod
 * found bound by someone else is synced by its kubelet (`resumeHandOver`).
 */

/** What the hand-over left to do once the binding commits: when the pod's next step is due, if one is. */
export interface HandOver {
  next: number | null;
}

/** In the binding's transaction: the node's kubelet takes the bound pod on, and starts it when `startInline`. */
export async function handOverBound(
  w: SandboxWriter,
  database: Database,
  job: { sandbox: string; namespace: string; name: string },
  bound: { pod: Pod; node: Node; nodePods: Pod[] },
  now: number,
  startInline: boolean,
): Promise<HandOver> {
  const { pod, node, nodePods } = bound;
  if (startInline) {
    // This job does the kubelet's first steps: the pod's own writes need not wake it.
    const started = kubeletJob(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    w.handled.add(`${started.task}:${started.key}`);
  }
  const taken = await takeOn(w, database, job, node, now, { pod, nodePods, startInline });
  // The node's pods, as the next pod bound in this transaction finds them, hold this one's IP.
  const i = nodePods.indexOf(pod);
  if (i >= 0) nodePods[i] = taken.pod;
  return { next: taken.next };
}

/** After the binding committed: nudges the queue for the kubelet's next step, if one lies ahead. */
export function completeHandOver(database: Database, handOver: HandOver): void {
  if (handOver.next !== null) wakeAt(database, handOver.next);
}

/** A run of the scheduler's job after a crash (or a pod bound by someone else): its kubelet looks now. */
export async function resumeHandOver(
  database: Database,
  job: { sandbox: string; namespace: string; name: string },
  now: number,
): Promise<void> {
  await syncPod(database, job, now);
}
