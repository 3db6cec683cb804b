import { timestamp } from "../../kube/object.ts";
import { backoffMs, crashRestartDelayMs } from "../../kube/runtime/backoff.ts";
import type { Plan } from "../../kube/runtime/container-plan.ts";
import { normalizeImage } from "../../kube/runtime/image-ref.ts";
import { exitCodeWhenStopped } from "../../kube/runtime/shell/program.ts";
import type { Container, ContainerStatus, PodSpec } from "../../kube/types/core-v1.ts";
import {
  containerStatus,
  lastTermination,
  millis,
  stateKind,
  waiting,
  waitingReason,
} from "./container-status.ts";
import type { ContainerRef, Work } from "./context.ts";
import { messages } from "./messages.ts";
import { probeSteps } from "./probe-steps.ts";
import { emit, setStatus, startContainer, statusOf, updateStatus } from "./start.ts";
import { containerCreatingMs, syncDelayMs } from "./timing.ts";

/**
 * What happens next to one container, and when: its next transition as a time computed from
 * the pod's recorded status (start and finish times, restart count, the last failed pull),
 * so a sync that runs late, or twice, lands in the same state.
 */

/** A transition of one container, due at `at` (ms). */
export interface Step {
  at: number;
  run: () => void;
}

/** The pod's containers in start order: init containers (sidecars among them), then the rest. */
export function containerRefs(spec: PodSpec): ContainerRef[] {
  return [
    ...(spec.initContainers ?? []).map((c) => ({
      spec: c,
      kind: c.restartPolicy === "Always" ? ("sidecar" as const) : ("init" as const),
      list: "initContainerStatuses" as const,
      fieldPath: `spec.initContainers{${c.name}}`,
    })),
    ...(spec.containers ?? []).map((c) => ({
      spec: c,
      kind: "main" as const,
      list: "containerStatuses" as const,
      fieldPath: `spec.containers{${c.name}}`,
    })),
  ];
}

/** What the container does once started, as planned before the sync (plans.ts); unplanned: runs. */
export function planOf(work: Work, spec: Container): Plan {
  return work.ctx.plans?.get(spec.name) ?? { kind: "forever" };
}

/**
 * When the containers before this one let it start: init containers run one after another to
 * a successful end (sidecars need only have started), and the main containers wait for all of
 * them. Null while that has not happened.
 */
function startableAt(work: Work, ref: ContainerRef): number | null {
  let at = millis(work.status.startTime) ?? work.ctx.now;
  at += containerCreatingMs;
  for (const before of containerRefs(work.spec)) {
    if (before.spec === ref.spec || (before.kind === "main" && ref.kind === "main")) break;
    if (before.kind === "main") continue;
    const s = statusOf(work, before);
    if (before.kind === "sidecar") {
      if (stateKind(s) !== "running" || s?.started !== true) return null;
      at = Math.max(at, millis(s.state?.running?.startedAt) ?? at);
    } else {
      const done = s?.state?.terminated;
      if (done?.exitCode !== 0) return null;
      at = Math.max(at, millis(done.finishedAt) ?? at);
    }
  }
  return at;
}

function shouldRestart(work: Work, ref: ContainerRef, exitCode: number): boolean {
  const policy = work.spec.restartPolicy || "Always";
  if (ref.kind === "sidecar") return true;
  if (ref.kind === "init") return exitCode !== 0 && policy !== "Never";
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

/** Records the container terminated at `at` with its exit code (and the runtime's reason). */
export function terminate(
  work: Work,
  ref: ContainerRef,
  at: number,
  exitCode: number,
  reason: string = exitCode === 0 ? "Completed" : "Error",
): void {
  const prev = statusOf(work, ref);
  setStatus(
    work,
    ref,
    containerStatus(
      ref.spec,
      {
        terminated: {
          exitCode,
          reason,
          startedAt: prev?.state?.running?.startedAt,
          finishedAt: timestamp(new Date(at)),
          containerID: prev?.containerID ?? "",
        },
      },
      prev,
      { ready: ref.kind === "init" && exitCode === 0, started: false },
    ),
  );
}

function probeDelayMs(spec: Container, probe: "startupProbe" | "readinessProbe"): number {
  return (spec[probe]?.initialDelaySeconds ?? 0) * 1000;
}

function runningSteps(work: Work, ref: ContainerRef, s: ContainerStatus | undefined): Step[] {
  const startedAt = millis(s?.state?.running?.startedAt) ?? work.ctx.now;
  const steps: Step[] = [];
  const probes = probeSteps(work, ref, s, startedAt, (code) => terminate(work, ref, work.ctx.now, code));
  if (probes.startup) steps.push(...probes.startup);
  else if (s?.started !== true)
    steps.push({
      at: startedAt + probeDelayMs(ref.spec, "startupProbe"),
      run: () => updateStatus(work, ref, { started: true }),
    });
  else if (probes.readiness) steps.push(...probes.readiness);
  else if (s.ready !== true && ref.kind !== "init")
    steps.push({
      at: startedAt + probeDelayMs(ref.spec, "readinessProbe"),
      run: () => updateStatus(work, ref, { ready: true }),
    });
  steps.push(...probes.liveness);
  const plan = planOf(work, ref.spec);
  if (plan.kind === "exit")
    steps.push({
      at: startedAt + plan.afterMs,
      run: () => terminate(work, ref, startedAt + plan.afterMs, plan.code, plan.reason),
    });
  return steps;
}

function afterExit(work: Work, ref: ContainerRef, s: ContainerStatus | undefined): Step | null {
  // A status without a termination (one the kubelet never writes) reads as a clean exit.
  const end = lastTermination(s) ?? { exitCode: 0 };
  const exitCode = end.exitCode ?? 0;
  if (!shouldRestart(work, ref, exitCode)) return null;
  const finished = millis(end.finishedAt) ?? work.ctx.now;
  const ran = finished - (millis(end.startedAt) ?? finished);
  const delay = crashRestartDelayMs(s?.restartCount ?? 0, ran);
  if (stateKind(s) === "waiting") {
    // Backing off already: restart when the back-off is over.
    const restartAt = finished + delay;
    return { at: restartAt, run: () => startContainer(work, ref, restartAt, true) };
  }
  const at = finished + syncDelayMs;
  if (delay === 0) return { at, run: () => startContainer(work, ref, at, true) };
  return {
    at,
    run: () => {
      const name = ref.spec.name;
      emit(work, ref, "Warning", "BackOff", messages.crashBackOffEvent(name, work.ctx.pod));
      const waitingStatus = waiting(
        ref.spec,
        s,
        "CrashLoopBackOff",
        messages.crashBackOffWaiting(delay, name, work.ctx.pod),
      );
      setStatus(work, ref, { ...waitingStatus, lastState: { terminated: end } });
    },
  };
}

/** A container whose spec names another image than the one it runs (or tried): replaced now. */
function imageChangeStep(work: Work, ref: ContainerRef, s: ContainerStatus | undefined): Step | null {
  const image = s?.image;
  if (!image || normalizeImage(image) === normalizeImage(ref.spec.image ?? "")) return null;
  const at = work.ctx.now;
  if (stateKind(s) === "running")
    return {
      at,
      run: () => {
        emit(
          work,
          ref,
          "Normal",
          "Killing",
          `Container ${ref.spec.name} definition changed, will be restarted`,
        );
        terminate(work, ref, at, exitCodeWhenStopped(ref.spec, image));
        startContainer(work, ref, at, true);
      },
    };
  // A container that ran before comes back as a restart; one that never started just starts.
  if (stateKind(s) === "waiting")
    return { at, run: () => startContainer(work, ref, at, lastTermination(s) !== null) };
  return null;
}

/** The container's next transition, or null when nothing will happen to it by itself. */
export function nextStep(work: Work, ref: ContainerRef): Step | null {
  const s = statusOf(work, ref);
  const changed = imageChangeStep(work, ref, s);
  if (changed) return changed;
  switch (stateKind(s)) {
    case "running": {
      const steps = runningSteps(work, ref, s);
      return steps.reduce<Step | null>((a, b) => (a && a.at <= b.at ? a : b), null);
    }
    case "terminated":
      return afterExit(work, ref, s);
    case "waiting":
    case "none":
      break;
  }
  const reason = waitingReason(s);
  const failures = work.ctx.pullFailures.get(ref.spec.image ?? "");
  const lastFailure = failures?.lastMs ?? millis(work.status.startTime) ?? work.ctx.now;
  switch (reason) {
    case "":
    case "ContainerCreating":
    case "PodInitializing": {
      const at = startableAt(work, ref);
      return at === null ? null : { at, run: () => startContainer(work, ref, at, false) };
    }
    case "ErrImagePull": {
      const at = lastFailure + syncDelayMs;
      return {
        at,
        run: () => {
          const image = ref.spec.image ?? "";
          emit(work, ref, "Normal", "BackOff", messages.pullBackOff(image));
          emit(work, ref, "Warning", "Failed", messages.error("ImagePullBackOff"));
          const error = s?.state?.waiting?.message ?? "";
          setStatus(
            work,
            ref,
            waiting(ref.spec, s, "ImagePullBackOff", messages.pullBackOffWaiting(image, error)),
          );
        },
      };
    }
    case "ImagePullBackOff": {
      const at = lastFailure + backoffMs(failures?.count ?? 1);
      return { at, run: () => startContainer(work, ref, at, false) };
    }
    case "CrashLoopBackOff":
      return afterExit(work, ref, s);
    case "CreateContainerConfigError": {
      // Tried again at every sync (the task plans one every few seconds while it lasts): the
      // image is pulled, then the config made, or refused once more.
      if (work.configTried?.has(ref.spec.name)) return null;
      const at = work.ctx.now;
      return { at, run: () => startContainer(work, ref, at, lastTermination(s) !== null) };
    }
    default:
      return null;
  }
}
