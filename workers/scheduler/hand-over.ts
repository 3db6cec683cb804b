import type { Database } from "../../db/connection.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import type { Node, Pod } from "../../kube/types/core-v1.ts";
import { kubeletJob } from "../kubelet/jobs.ts";
import { syncPod, takeOn } from "../kubelet/task.ts";
import { wakeAt } from "../queue/wakeup.ts";

/**
 * The one place where the scheduler does a kubelet's work, and why. A real kubelet sees a
 * binding through its watch within milliseconds; here a kubelet job would cost a queue trip (a
 * job row written, fetched, locked, completed) for each of a pod's two first steps. So the
 * scheduler's job, having bound the pod, lets the node's kubelet take it on in the binding's own
 * transaction (IP, hostIP, ContainerCreating: one more held write), and — when the queue runs it
 * (`startInline`) — waits out the few milliseconds of ContainerCreating and runs the kubelet's
 * start itself. Should the process die meanwhile, the scheduler's job is run again (it is not
 * done until then), finds the pod bound, and syncs its kubelet (`resumeHandOver`).
 */

/** What the hand-over left to do once the binding commits: the kubelet's next step, and who runs it. */
export interface HandOver {
  /** When the pod's next step is due. */
  next: number;
  /** Whether this job runs it (else a delayed kubelet job does, which the queue is nudged for). */
  inline: boolean;
}

/** In the binding's transaction: the node's kubelet takes the bound pod on. */
export async function handOverBound(
  w: SandboxWriter,
  pod: Pod,
  node: Node,
  nodePods: Pod[],
  now: number,
  startInline: boolean,
): Promise<HandOver> {
  const taken = await takeOn(w, pod, node, now, { nodePods, startInline });
  // The node's pods, as the next pod bound in this transaction finds them, hold this one's IP.
  const i = nodePods.indexOf(pod);
  if (i >= 0) nodePods[i] = taken.pod;
  if (taken.inline) {
    // This job does the kubelet's next step: the pod's own writes need not wake it.
    const started = kubeletJob(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    w.handled.add(`${started.task}:${started.key}`);
  }
  return { next: taken.next, inline: taken.inline };
}

/** After the binding committed: runs the kubelet's start when due, or nudges the queue for its job. */
export async function completeHandOver(
  database: Database,
  job: { sandbox: string; namespace: string; name: string },
  handOver: HandOver,
): Promise<void> {
  if (!handOver.inline) return wakeAt(database, handOver.next);
  const wait = handOver.next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await syncPod(database, job, Math.max(handOver.next, Date.now()));
}

/** A run of the scheduler's job after a crash (or a pod bound by someone else): its kubelet looks now. */
export async function resumeHandOver(
  database: Database,
  job: { sandbox: string; namespace: string; name: string },
  now: number,
): Promise<void> {
  await syncPod(database, job, now);
}
