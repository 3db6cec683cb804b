import { exitCodeWhenStopped } from "../../kube/runtime/shell/program.ts";
import type { ContainerStatus, Probe } from "../../kube/types/core-v1.ts";
import type { ContainerRef, Work } from "./context.ts";
import { type ContainerProbes, firstProbeAt } from "./probe-results.ts";
import { emit, updateStatus } from "./start.ts";

/**
 * What a running container's probes make of it in a sync (the prober and the kubelet's
 * reaction): the startup probe holds `started` until it passes and restarts the container past
 * its failure threshold; the readiness probe sets `ready` (and so the pod's Ready condition and
 * its place in endpoints); the liveness probe restarts it past its failure threshold. Probes are
 * made before the sync (probes.ts) and again every period while the container runs: the
 * kubelet's prober is periodic, so a pod with probes gets a sync each period. Failure
 * thresholds count from the first probe, not from the first failure seen (consecutive failures
 * are not recorded between syncs).
 */

/** A transition of the container, due at `at`. */
export interface ProbeStep {
  at: number;
  run: () => void;
}

type Kind = "startup" | "readiness" | "liveness";
const field = { startup: "startupProbe", readiness: "readinessProbe", liveness: "livenessProbe" } as const;
const title = { startup: "Startup", readiness: "Readiness", liveness: "Liveness" } as const;

/** Checks made in this sync, by work (a check is made once a sync). */
const made = new WeakMap<Work, Set<string>>();

function periodMs(probe: Probe): number {
  return (probe.periodSeconds || 10) * 1000;
}

/** When failing from the first probe on reaches the failure threshold. */
function thresholdAt(startedAt: number, probe: Probe): number {
  return firstProbeAt(startedAt, probe) + ((probe.failureThreshold || 3) - 1) * periodMs(probe);
}

function resultOf(work: Work, ref: ContainerRef, s: ContainerStatus | undefined, kind: Kind) {
  const r: ContainerProbes | undefined = work.ctx.probes?.get(ref.spec.name);
  return r && r.containerID === (s?.containerID ?? "") ? r[kind] : undefined;
}

/** Stops the container as the kubelet does for a failed probe (SIGTERM; SIGKILL when ignored). */
function kill(work: Work, ref: ContainerRef, kind: Kind, terminate: (code: number) => void) {
  emit(work, ref, "Normal", "Killing", `Container ${ref.spec.name} failed ${kind} probe, will be restarted`);
  terminate(exitCodeWhenStopped(ref.spec));
}

/**
 * The probe steps of a running container. `terminate(code)` ends it now (the caller's). Returns
 * null when the container has none of these probes (the kubelet's plain rules apply).
 */
export function probeSteps(
  work: Work,
  ref: ContainerRef,
  s: ContainerStatus | undefined,
  startedAt: number,
  terminate: (code: number) => void,
): { startup: ProbeStep[] | null; readiness: ProbeStep[] | null; liveness: ProbeStep[] } {
  const now = work.ctx.now;
  const done = made.get(work) ?? new Set<string>();
  made.set(work, done);
  const key = (kind: Kind) => `${ref.spec.name}/${kind}`;
  const check = (kind: Kind, onPass: () => void, onFail: (message: string) => void): ProbeStep[] => {
    const probe = ref.spec[field[kind]];
    if (!probe) return [];
    const first = firstProbeAt(startedAt, probe);
    if (first > now) return [{ at: first, run: () => done.add(key(kind)) }];
    if (done.has(key(kind))) return [{ at: now + periodMs(probe), run: () => {} }];
    const result = resultOf(work, ref, s, kind);
    // Not probed before this sync (it started in it): probed at the next.
    if (!result) return [{ at: now + 1000, run: () => {} }];
    return [
      {
        at: now,
        run: () => {
          done.add(key(kind));
          if (result.ok) onPass();
          else {
            emit(work, ref, "Warning", "Unhealthy", `${title[kind]} probe failed: ${result.message}`);
            onFail(result.message);
          }
        },
      },
    ];
  };
  const startupProbe = ref.spec.startupProbe;
  const startup =
    s?.started === true || !startupProbe
      ? null
      : check(
          "startup",
          () => updateStatus(work, ref, { started: true }),
          () => {
            if (now >= thresholdAt(startedAt, startupProbe)) kill(work, ref, "startup", terminate);
          },
        );
  const readinessProbe = ref.spec.readinessProbe;
  const readiness =
    !readinessProbe || s?.started !== true || ref.kind === "init"
      ? null
      : check(
          "readiness",
          () => {
            if (s?.ready !== true) updateStatus(work, ref, { ready: true });
          },
          () => {
            if (s?.ready === true) updateStatus(work, ref, { ready: false });
          },
        );
  const livenessProbe = ref.spec.livenessProbe;
  const liveness =
    !livenessProbe || s?.started !== true
      ? []
      : check(
          "liveness",
          () => {},
          () => {
            if (now >= thresholdAt(startedAt, livenessProbe)) kill(work, ref, "liveness", terminate);
          },
        );
  if (livenessProbe && s?.started === true && !liveness.some((step) => step.at <= now)) {
    // Failing but short of its threshold: decided again when the threshold is reached.
    const last = resultOf(work, ref, s, "liveness");
    if (last && !last.ok)
      liveness.push({ at: Math.max(now + 1, thresholdAt(startedAt, livenessProbe)), run: () => {} });
  }
  return { startup, readiness, liveness };
}
