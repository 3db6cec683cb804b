import { randomBytes } from "node:crypto";
import type { Database } from "../../db/connection.ts";
import { dropRuns } from "../../db/pods/rows.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { isTerminal } from "../../kube/kinds/pod/state.ts";
import { recomputeQuotaUsage } from "../../kube/kinds/resourcequota/status.ts";
import type { Node, Pod, PodStatus } from "../../kube/types/core-v1.ts";
import { namedRuns } from "../../pods/container-refs.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { recordEvents } from "../../registry/events.ts";
import { replaceObject } from "../../registry/update.ts";
import { distinctJobs, readEachOnce, SandboxBatches } from "../queue/batches.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import { wakeAt } from "../queue/wakeup.ts";
import { allStatuses, waitingReason } from "./container-status.ts";
import type { KubeletContext } from "./context.ts";
import { kubeletJob, type kubeletTask } from "./jobs.ts";
import { firstSync, nodeIP, sync } from "./lifecycle.ts";
import { needsNodeImages, needsPullHistory, nodeImages, pullFailures } from "./memory.ts";
import { type KubeletEvent, messages } from "./messages.ts";
import { planContainers } from "./plans.ts";
import { podAndNode, prefetchPodsAndNodes } from "./pod-and-node.ts";
import { allocatePodIP } from "./pod-ip.ts";
import { probeContainers } from "./probes.ts";
import { checkReferences } from "./references.ts";
import { terminate } from "./termination.ts";
import { configRetryMs, containerCreatingMs, mountRetryMs } from "./timing.ts";
import { hasSandbox, inConfigError } from "./waiting-pods.ts";

/** A kubelet job: the pod to sync. */
export type KubeletJob = JobOf<typeof kubeletTask>;

function newContainerID(): string {
  return `containerd://${randomBytes(32).toString("hex")}`;
}

/** Writes the pod's new status through the status subresource, as the kubelet's status manager does. */
async function writeStatus(w: SandboxWriter, pod: Pod, status: PodStatus): Promise<Pod> {
  if (JSON.stringify(status) === JSON.stringify(pod.status)) return pod;
  const written = await replaceObject(w, podKind, pod, { ...pod, status }, "status", {
    fieldManager: "kubelet",
  });
  return viewAs(podKind, written);
}

async function recordAll(
  w: SandboxWriter,
  pod: Pod,
  node: string,
  events: KubeletEvent[],
  now: number,
  options: { noneBefore?: boolean } = {},
) {
  const time = new Date(now);
  await recordEvents(
    w,
    pod,
    events.map((e) => ({ ...e, component: "kubelet", host: node, time })),
    options,
  );
}

/**
 * Whether none of the pod's containers has done anything yet (all still being created, none
 * pulled or run): then the kubelet has recorded no container event for it, and the ones this
 * sync records are all new.
 */
function untouched(pod: Pod): boolean {
  return allStatuses(pod).every((s) => {
    const reason = waitingReason(s);
    return (
      (reason === "ContainerCreating" || reason === "PodInitializing") &&
      !s.imageID &&
      !Object.keys(s.lastState ?? {}).length
    );
  });
}

/** Schedules this pod's next sync at `at` (a delayed job, so the state before it stays visible). */
async function syncAt(w: SandboxWriter, pod: Pod, at: number): Promise<number> {
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  w.enqueue(kubeletJob(namespace, name, new Date(at)));
  return at;
}

/**
 * The kubelet's final DELETE, grace period 0: removes the pod, unless a finalizer still holds it
 * (its emptyDirs, container layers and log journal go with its row: db/pods/rows.ts).
 */
async function remove(w: SandboxWriter, pod: Pod): Promise<void> {
  await deleteInTransaction(w, podKind, pod, {
    gracePeriodSeconds: 0,
    preconditions: { uid: pod.metadata.uid },
  });
}

function kubeletContext(pod: Pod, node: Node, now: number): KubeletContext {
  return { pod, node, now, present: new Set(), pullFailures: new Map(), newContainerID };
}

/** Whether a sync may make a container's config: one not yet started, or refused before. */
function waitsForConfig(pod: Pod): boolean {
  return allStatuses(pod).some((s) => {
    const reason = waitingReason(s);
    return reason === "ContainerCreating" || reason === "PodInitializing" || reason === messages.configError;
  });
}

/**
 * The kubelet's first sync of a pod bound to its node: an IP from the node's pod CIDR, the
 * hostIP, Pending with its containers ContainerCreating; the start follows as a delayed sync —
 * or, with `startInline`, in the caller's transaction, as of when it is due (a pod whose volumes
 * fail waits for its retry job either way). `next`: when the next step is due (the start, or the
 * one after it when it ran inline); `pod`: the pod as taken on (its IP). `nodePods`: the node's
 * live pods, if the caller has them.
 */
export async function takeOn(
  w: SandboxWriter,
  database: Database,
  job: KubeletJob,
  node: Node,
  now: number,
  options: { pod: Pod; nodePods?: Pod[]; startInline?: boolean },
): Promise<{ next: number | null; pod: Pod }> {
  const pod = options.pod;
  const ctx = kubeletContext(pod, node, now);
  const { failedMounts } = await checkReferences(w, pod);
  if (failedMounts.length) {
    // No sandbox, so no IP, until every volume can be set up; tried again in a while, or as
    // soon as a Secret or ConfigMap of the namespace is written.
    const written = await writeStatus(w, pod, firstSync(ctx, null).status);
    const events = failedMounts.map((message) => ({
      type: "Warning" as const,
      reason: "FailedMount",
      message,
    }));
    await recordAll(w, written, node.metadata.name ?? "", events, now);
    return { next: await syncAt(w, written, now + mountRetryMs), pod: written };
  }
  const podIP = await allocatePodIP(w, node, pod, nodeIP(ctx), options.nodePods);
  const written = await writeStatus(w, pod, firstSync(ctx, podIP).status);
  const start = now + containerCreatingMs;
  if (!options.startInline) return { next: await syncAt(w, pod, start), pod: written };
  // The start, as of when it is due: its own write and revision, so watchers see
  // ContainerCreating come before Running, in the same commit.
  const next = await syncOne(w, database, job, start, { pod: written, node });
  return { next, pod: written };
}

/** A container's process that ended by itself, as its runtime reports it to the kubelet. */
export interface ContainerExit {
  podUid: string;
  container: string;
  exitCode: number;
}

/**
 * The runtime reports that a container's process ended between syncs (an attached shell whose
 * stdin closed, with stdinOnce): the kubelet syncs the pod at once, as a real one does on the
 * runtime's event, recording the container terminated and whatever follows from it (the pod's
 * phase and conditions, a restart per its policy). Nothing happens to a pod since replaced.
 */
export function containerExited(
  database: Database,
  sandboxId: string,
  pod: { namespace: string; name: string },
  exit: ContainerExit,
  now = Date.now(),
): Promise<void> {
  return syncPod(database, { sandbox: sandboxId, ...pod }, now, exit);
}

/** A pod's read for a sync: the pod and its node, or null when the pod is gone. */
type PodRead = Awaited<ReturnType<typeof podAndNode>>;

/**
 * One sync of one pod in the caller's transaction, from `read` (made in it before anything it
 * wrote could change the pod). Resolves to when its next sync is due, if one lies ahead.
 */
async function syncOne(
  w: SandboxWriter,
  database: Database,
  job: KubeletJob,
  now: number,
  read: PodRead,
  exited?: ContainerExit,
): Promise<number | null> {
  let pod = read?.pod;
  const nodeName = pod?.spec?.nodeName ?? "";
  if (!read || !pod || !nodeName) return null;
  const node = read.node;
  if (pod.metadata.deletionTimestamp) {
    // Without a node nobody stops the pod; the pod garbage collector removes it.
    if (!node) {
      await remove(w, pod);
      return null;
    }
    const result = terminate(kubeletContext(pod, node, now));
    await recordAll(w, pod, nodeName, result.events, now);
    if (result.status) pod = await writeStatus(w, pod, result.status);
    if (result.remove) await remove(w, pod);
    else if (result.next !== null) return syncAt(w, pod, result.next);
    return null;
  }
  if (!node || isTerminal(pod)) return null;
  if (!hasSandbox(pod)) return (await takeOn(w, database, job, node, now, { pod })).next;
  const context = kubeletContext(pod, node, now);
  if (exited && exited.podUid === pod.metadata.uid)
    context.exited = new Map([[exited.container, exited.exitCode]]);
  if (waitsForConfig(pod)) context.configErrors = (await checkReferences(w, pod)).configErrors;
  if (needsNodeImages(pod)) context.present = await nodeImages(w, nodeName);
  if (needsPullHistory(pod)) context.pullFailures = await pullFailures(w, pod);
  context.plans = await planContainers(pod, w, now);
  context.probes = await probeContainers(database, job.sandbox, pod, now);
  const result = sync(context);
  const fresh = untouched(pod);
  // The status and the events it comes with go as one statement, with the commit: what
  // reads after this (quota usage) sends them first.
  const written = await writeStatus(w, pod, result.status);
  await recordAll(w, written, nodeName, result.events, now, { noneBefore: fresh });
  await dropUnreachableRuns(w, pod, written);
  if (isTerminal(written)) {
    await recomputeQuotaUsage(w, job.namespace);
    return null;
  }
  // A container refused its config is tried again every while (and when a Secret or
  // ConfigMap of the namespace is written).
  const retry = inConfigError(written) ? now + configRetryMs : null;
  const at = [result.next, retry].filter((t): t is number => t !== null);
  return at.length ? syncAt(w, written, Math.min(...at)) : null;
}

/** The runs a restart left unreachable (two back), forgotten with the status that forgets them. */
async function dropUnreachableRuns(w: SandboxWriter, before: Pod, after: Pod): Promise<void> {
  const now = namedRuns(after);
  const gone = [...namedRuns(before)].filter(([id]) => !now.has(id));
  if (gone.length)
    await dropRuns(
      w.sql,
      w.sandboxId,
      after.metadata.uid ?? "",
      gone.map(([containerId, container]) => ({ container, containerId })),
    );
}

/** A sync asked of the kubelet: the pod's job, and the time it syncs to. */
interface PodSync {
  job: KubeletJob;
  now: number;
  /** A container whose process ended by itself, reported with this sync (containerExited). */
  exited?: ContainerExit;
}

const podId = (job: KubeletJob) => `${job.namespace}/${job.name}`;

/**
 * The kubelet's syncs of one sandbox that wait for its turn together, in one transaction (the
 * start of every pod a burst bound, say): every pod and node read with the lock, in one round
 * trip, before the first sync writes; a second sync of the same pod reads it again, after the
 * first's writes.
 */
const podSyncs = new SandboxBatches<PodSync, number | null>({
  early: (w, syncs) =>
    prefetchPodsAndNodes(
      w,
      distinctJobs(syncs, (s) => podId(s.job)).map((s) => s.job),
    ),
  run: async (w, syncs, database) => {
    const firstReads = readEachOnce(
      syncs,
      (s) => podId(s.job),
      (s) => podAndNode(w, s.job.namespace, s.job.name),
    );
    await Promise.all(firstReads);
    const next: (number | null)[] = [];
    for (const [i, s] of syncs.entries()) {
      const read = await (firstReads[i] ?? podAndNode(w, s.job.namespace, s.job.name));
      next.push(await syncOne(w, database, s.job, s.now, read, s.exited));
    }
    return next;
  },
});

/**
 * The simulated kubelet of the pod's node, one sync: re-reads the pod and its node, and moves
 * the pod along its lifecycle to where it is by `now` — taking it on (Pending,
 * ContainerCreating), starting, exiting and restarting containers, or stopping and removing a
 * deleted pod — writing status through the status path, recording the kubelet's events, and
 * scheduling its next sync as a delayed job when a transition lies ahead. A pod bound to a node
 * that does not exist stays Pending, as no kubelet claims it; a finished pod is left alone.
 * Syncs of one sandbox that wait for its turn together share a transaction (podSyncs).
 */
export async function syncPod(
  database: Database,
  job: KubeletJob,
  now = Date.now(),
  exited?: ContainerExit,
): Promise<void> {
  const next = await doneIfSandboxGone(
    podSyncs.run(database, job.sandbox, { job, now, ...(exited ? { exited } : {}) }),
  );
  if (next != null) wakeAt(database, next);
}
