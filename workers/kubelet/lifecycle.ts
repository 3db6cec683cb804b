import { clone, timestamp } from "../../kube/object.ts";
import type { PodStatus } from "../../kube/types/core-v1.ts";
import { podConditions } from "./conditions.ts";
import { stateKind, waiting } from "./container-status.ts";
import { containerRefs, nextStep, type Step, terminate } from "./containers.ts";
import type { KubeletContext, Work } from "./context.ts";
import type { KubeletEvent } from "./messages.ts";
import { podPhase } from "./phase.ts";
import { statusOf } from "./start.ts";
import { maxStepsPerRun } from "./timing.ts";

/**
 * A pod's lifecycle on its node, as a function of its spec, its recorded status and the time:
 * the first sync records the pod as the kubelet takes it on (Pending, ContainerCreating); each
 * later sync applies every container transition due by now, in time order, and says when the
 * next one is due.
 */

/** What a sync comes to: the new status, the events to record, and when to sync next (ms). */
export interface SyncResult {
  status: PodStatus;
  events: KubeletEvent[];
  next: number | null;
}

/** The node's InternalIP, which becomes the pod's hostIP. */
export function nodeIP(ctx: KubeletContext): string {
  const addresses = ctx.node.status?.addresses ?? [];
  return (addresses.find((a) => a.type === "InternalIP") ?? addresses[0])?.address ?? "";
}

/** PodStatus with its fields in the API's order; anything else it held is kept after them. */
function ordered(status: PodStatus): PodStatus {
  const keys: (keyof PodStatus)[] = [
    "phase",
    "conditions",
    "message",
    "reason",
    "nominatedNodeName",
    "hostIP",
    "hostIPs",
    "podIP",
    "podIPs",
    "startTime",
    "initContainerStatuses",
    "containerStatuses",
    "qosClass",
  ];
  const out: PodStatus = {};
  const put = <K extends keyof PodStatus>(k: K) => {
    out[k] = status[k];
  };
  for (const k of keys) if (status[k] !== undefined) put(k);
  for (const [k, v] of Object.entries(status)) if (!(k in out)) Object.assign(out, { [k]: v });
  return out;
}

function finish(work: Work, sandboxReady: boolean): PodStatus {
  work.status.conditions = podConditions(
    work.spec,
    work.status,
    sandboxReady,
    timestamp(new Date(work.ctx.now)),
  );
  return ordered(work.status);
}

/**
 * The kubelet's first status for a pod it takes on: Pending, its node's IP and its own, the
 * start time, and every container waiting (ContainerCreating, or PodInitializing behind init
 * containers). The containers start in a later sync, so watchers see this state. A null
 * `podIP`: the pod's volumes cannot be set up yet, so it has no sandbox, and no IP, yet.
 */
export function firstSync(ctx: KubeletContext, podIP: string | null): SyncResult {
  const spec = ctx.pod.spec ?? {};
  const hostIP = nodeIP(ctx);
  const { podIP: _, podIPs: __, ...before } = ctx.pod.status ?? {};
  const status: PodStatus = {
    ...before,
    phase: "Pending",
    hostIP,
    hostIPs: [{ ip: hostIP }],
    ...(podIP === null ? {} : { podIP, podIPs: [{ ip: podIP }] }),
    // Kept while volumes keep failing; set anew when the sandbox comes up, so the containers'
    // start times follow it (a real kubelet keeps the first one).
    startTime: podIP === null && before.startTime ? before.startTime : timestamp(new Date(ctx.now)),
  };
  const inits = spec.initContainers ?? [];
  if (inits.length) status.initContainerStatuses = inits.map((c) => waiting(c, {}, "PodInitializing"));
  const mainReason = inits.length ? "PodInitializing" : "ContainerCreating";
  status.containerStatuses = (spec.containers ?? []).map((c) => waiting(c, {}, mainReason));
  const work: Work = { ctx, spec, status, events: [] };
  return { status: finish(work, false), events: [], next: null };
}

function isTerminal(phase: string | undefined): boolean {
  return phase === "Succeeded" || phase === "Failed";
}

/**
 * Applies every transition due by `ctx.now`, after the exits the runtime reported (`ctx.exited`);
 * the result's `next` is when the next one is due.
 */
export function sync(ctx: KubeletContext): SyncResult {
  const spec = ctx.pod.spec ?? {};
  const work: Work = { ctx, spec, status: clone(ctx.pod.status ?? {}), events: [] };
  const refs = containerRefs(spec);
  for (const ref of refs) {
    const code = ctx.exited?.get(ref.spec.name);
    if (code === undefined || stateKind(statusOf(work, ref)) !== "running") continue;
    terminate(work, ref, ctx.now, code);
    work.status.phase = podPhase(spec, work.status, false);
  }
  let next: number | null = null;
  for (let i = 0; ; i++) {
    if (isTerminal(work.status.phase)) break;
    if (i === maxStepsPerRun) {
      next = ctx.now;
      break;
    }
    const due = refs.map((ref) => nextStep(work, ref)).filter((s): s is Step => s !== null);
    const first = due.reduce<Step | null>((a, b) => (a && a.at <= b.at ? a : b), null);
    if (!first || first.at > ctx.now) {
      next = first?.at ?? null;
      break;
    }
    first.run();
    work.status.phase = podPhase(spec, work.status, false);
  }
  const terminal = isTerminal(work.status.phase);
  if (terminal)
    for (const list of ["initContainerStatuses", "containerStatuses"] as const) {
      const statuses = work.status[list];
      if (statuses)
        work.status[list] = statuses.map((s) => (list === "containerStatuses" ? { ...s, ready: false } : s));
    }
  return { status: finish(work, !terminal), events: work.events, next };
}
