import type { Database } from "../../db/connection.ts";
import { readNetworkWorld } from "../../db/pods/network-read.ts";
import { memoryBalancer } from "../../kube/network/balancer.ts";
import { steppingClock } from "../../kube/network/context.ts";
import { type ProbeResult, probeOverNetwork } from "../../kube/network/probe.ts";
import { podView } from "../../kube/network/world.ts";
import type { Container, Pod, Probe } from "../../kube/types/core-v1.ts";
import { execInContainer } from "../../pods/exec.ts";
import { containerFileReader } from "../../pods/served-files.ts";
import { containerRefs } from "./containers.ts";
import { type ContainerProbes, firstProbeAt } from "./probe-results.ts";

/**
 * The probes of a pod's running containers, made before a sync at its time (the sync itself is
 * synchronous; the network and the shell are not): httpGet, tcpSocket and grpc against what the
 * simulated image serves, from the node; exec in the container's shell. Only probes whose
 * initial delay has passed are made. Probes' own requests are not written to access logs.
 */

const kinds = [
  ["readiness", "readinessProbe"],
  ["liveness", "livenessProbe"],
  ["startup", "startupProbe"],
] as const;

async function execProbe(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  probe: Probe,
  now: number,
): Promise<ProbeResult> {
  const argv = probe.exec?.command ?? [];
  if (!argv.length) return { ok: false, message: "" };
  const out = await execInContainer(database, sandboxId, pod, container, argv, { nowMs: now });
  const output = out.writes.map((w) => w.text).join("");
  // Still running when the probe's timeout came: the prober's own words.
  if (out.exitCode === null) return { ok: false, message: `command "${argv.join(" ")}" timed out` };
  return { ok: out.exitCode === 0, message: output };
}

/** Makes the due probes of the pod's running containers, by container name. */
export async function probeContainers(
  database: Database,
  sandboxId: string,
  pod: Pod,
  now: number,
): Promise<Map<string, ContainerProbes>> {
  const results = new Map<string, ContainerProbes>();
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const due = containerRefs(pod.spec ?? {}).filter((ref) => {
    if (ref.kind === "init") return false;
    const running = statuses.find((s) => s.name === ref.spec.name)?.state?.running;
    if (!running) return false;
    const started = Date.parse(running.startedAt ?? "") || now;
    return kinds.some(([, field]) => {
      const probe = ref.spec[field];
      return probe !== undefined && firstProbeAt(started, probe) <= now;
    });
  });
  if (!due.length) return results;
  const world = await readNetworkWorld(database, sandboxId);
  const hostIP = pod.status?.hostIP ?? "";
  const net = {
    world,
    self: null,
    origin: { pod: null, ip: hostIP },
    balancer: memoryBalancer(),
    clock: steppingClock(now),
    log: async () => {},
    // An httpGet probe gets the page as the container's files are now (a page exec wrote).
    readFile: containerFileReader(database, sandboxId, world, { nowMs: () => now }),
  };
  const view =
    world.pods.find((p) => p.namespace === pod.metadata.namespace && p.name === pod.metadata.name) ??
    podView(pod);
  for (const ref of due) {
    const status = statuses.find((s) => s.name === ref.spec.name);
    const started = Date.parse(status?.state?.running?.startedAt ?? "") || now;
    const outcome: ContainerProbes = { containerID: status?.containerID ?? "" };
    for (const [kind, field] of kinds) {
      const probe = ref.spec[field];
      if (!probe || firstProbeAt(started, probe) > now) continue;
      outcome[kind] =
        (await probeOverNetwork(net, view, ref.spec, probe)) ??
        (await execProbe(database, sandboxId, pod, ref.spec, probe, now));
    }
    results.set(ref.spec.name, outcome);
  }
  return results;
}
