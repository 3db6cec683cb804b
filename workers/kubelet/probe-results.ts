import type { ProbeResult } from "../../kube/network/probe.ts";
import type { Probe } from "../../kube/types/core-v1.ts";

/** The outcomes of one container's probes at a sync's time, for the run they probed (probes.ts makes them). */
export interface ContainerProbes {
  containerID: string;
  readiness?: ProbeResult;
  liveness?: ProbeResult;
  startup?: ProbeResult;
}

/** When a probe of a container that started at `startedAt` is first made (the prober and the steps agree). */
export function firstProbeAt(startedAt: number, probe: Probe): number {
  return startedAt + (probe.initialDelaySeconds ?? 0) * 1000;
}
