import { randomBytes } from "node:crypto";
import type { Database } from "../../db/connection.ts";
import { forgetPod } from "../../db/pods/journal.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { isTerminal } from "../../kube/kinds/pod/state.ts";
import { recomputeQuotaUsage } from "../../kube/kinds/resourcequota/status.ts";
import type { Node, Pod, PodStatus } from "../../kube/types/core-v1.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { recordEvents } from "../../registry/events.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { replaceObject } from "../../registry/update.ts";
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
import { podAndNode, prefetchPodAndNode } from "./pod-and-node.ts";
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

/** The kubelet's final DELETE, grace period 0: removes the pod, unless a finalizer still holds it. */
async function remove(w: SandboxWriter, pod: Pod): Promise<void> {
  await deleteInTransaction(w, podKind, pod, {
    gracePeriodSeconds: 0,
    preconditions: { uid: pod.metadata.uid },
  });
  // Its emptyDirs, container layers and log journal go with it.
  await forgetPod(w.sql, w.sandboxId, pod.metadata.uid ?? "");
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
 * or, with `startInline`, is left to the caller, which runs `syncPod` itself when it is due
 * (`inline` says so; a pod whose volumes fail waits for its retry job either way). `next`: when
 * the next step is due. `nodePods`: the node's live pods, if the caller has them.
 */
export async function takeOn(
  w: SandboxWriter,
  pod: Pod,
  node: Node,
  now: number,
  options: { nodePods?: Pod[]; startInline?: boolean } = {},
): Promise<{ next: number; inline: boolean }> {
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
    return { next: await syncAt(w, written, now + mountRetryMs), inline: false };
  }
  const podIP = await allocatePodIP(w, node, pod, nodeIP(ctx), options.nodePods);
  await writeStatus(w, pod, firstSync(ctx, podIP).status);
  const next = now + containerCreatingMs;
  if (!options.startInline) return { next: await syncAt(w, pod, next), inline: false };
  return { next, inline: true };
}

/**
 * The simulated kubelet of the pod's node, one sync: re-reads the pod and its node, and moves
 * the pod along its lifecycle to where it is by `now` — taking it on (Pending,
 * ContainerCreating), starting, exiting and restarting containers, or stopping and removing a
 * deleted pod — writing status through the status path, recording the kubelet's events, and
 * scheduling its next sync as a delayed job when a transition lies ahead. A pod bound to a node
 * that does not exist stays Pending, as no kubelet claims it; a finished pod is left alone.
 */
export async function syncPod(database: Database, job: KubeletJob, now = Date.now()): Promise<void> {
  let next: number | null = null;
  await doneIfSandboxGone(
    inSandbox(
      database,
      job.sandbox,
      async (w) => {
        const read = await podAndNode(w, job.namespace, job.name);
        let pod = read?.pod;
        const nodeName = pod?.spec?.nodeName ?? "";
        if (!read || !pod || !nodeName) return;
        const node = read.node;
        if (pod.metadata.deletionTimestamp) {
          // Without a node nobody stops the pod; the pod garbage collector removes it.
          if (!node) return remove(w, pod);
          const result = terminate(kubeletContext(pod, node, now));
          await recordAll(w, pod, nodeName, result.events, now);
          if (result.status) pod = await writeStatus(w, pod, result.status);
          if (result.remove) await remove(w, pod);
          else if (result.next !== null) next = await syncAt(w, pod, result.next);
          return;
        }
        if (!node || isTerminal(pod)) return;
        if (!hasSandbox(pod)) {
          next = (await takeOn(w, pod, node, now)).next;
          return;
        }
        const context = kubeletContext(pod, node, now);
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
        if (isTerminal(written)) await recomputeQuotaUsage(w, job.namespace);
        else {
          // A container refused its config is tried again every while (and when a Secret or
          // ConfigMap of the namespace is written).
          const retry = inConfigError(written) ? now + configRetryMs : null;
          const at = [result.next, retry].filter((t): t is number => t !== null);
          if (at.length) next = await syncAt(w, written, Math.min(...at));
        }
      },
      { early: (w) => prefetchPodAndNode(w, job.namespace, job.name) },
    ),
  );
  if (next !== null) wakeAt(database, next);
}
