import type { ProbeResult } from "../../kube/network/probe.ts";

/** The outcomes of one container's probes at a sync's time, for the run they probed (probes.ts makes them). */
export interface ContainerProbes {
  containerID: string;
  readiness?: ProbeResult;
  liveness?: ProbeResult;
  startup?: ProbeResult;
}
