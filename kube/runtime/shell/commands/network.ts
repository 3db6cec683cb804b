import { processBalancer } from "../../../network/balancer.ts";
import { networkCommands } from "../../../network/commands/index.ts";
import type { CommandIO } from "../../../network/commands/types.ts";
import type { PodNetwork } from "../../../network/context.ts";
import { originOf } from "../../../network/route.ts";
import { buildWorld, podView } from "../../../network/world.ts";
import { catalogueName } from "../../servers/catalogue.ts";
import { timeAt } from "../log-time.ts";
import { stdinText } from "../stdin-text.ts";
import type { PodWorld } from "../world.ts";
import { definePodCommand, type PodCommand } from "./define.ts";

/**
 * The network's commands (kube/network/commands: curl, wget, nslookup, dig, host, ping, nc,
 * redis-cli) as pod commands: the sandbox's network read from the world's objects when the
 * command runs, the clock the container's, servers' log lines through the pods' journal.
 */

/** Images whose tools are BusyBox's. */
const busyboxImages = new Set(["busybox", "alpine", "registry.k8s.io/busybox", "k8s.gcr.io/busybox"]);

/** The network a process of this world sees, read now. */
export async function podNetwork(world: PodWorld): Promise<PodNetwork> {
  const [pods, services, endpoints, nodes] = await Promise.all(
    ["pods", "services", "endpoints", "nodes"].map((r) => world.objects.list(r, null)),
  );
  const network = buildWorld({
    pods: pods ?? [],
    services: services ?? [],
    endpoints: endpoints ?? [],
    nodes: nodes ?? [],
  });
  const fresh = podView(world.pod);
  const self = network.pods.find((p) => p.namespace === fresh.namespace && p.name === fresh.name) ?? fresh;
  return {
    world: network,
    self,
    origin: originOf(self),
    balancer: processBalancer(world.sandbox),
    clock: { now: () => world.clock.nowMs, sleep: async (ms) => world.clock.sleep(ms) },
    stamp: timeAt,
    async log(target, lines) {
      for (const line of lines)
        world.log(target, line, /\[(error|warn|notice)\]/.test(line) ? "stderr" : "stdout");
    },
  };
}

function ioOf(ctx: Parameters<PodCommand["run"]>[1], world: PodWorld): CommandIO {
  return {
    stdin: stdinText(ctx.stdin),
    cwd: ctx.cwd,
    flavor: busyboxImages.has(catalogueName(world.container.image ?? "")) ? "busybox" : "gnu",
    writeFile: (path, data) => ctx.fs.writeFile(path, data),
    readFile: async (path) => {
      try {
        return await ctx.fs.readFile(path);
      } catch {
        return null;
      }
    },
  };
}

/** curl, wget, nslookup, dig, host, ping, nc, netcat, redis-cli. */
export const networkPodCommands: PodCommand[] = Object.entries(networkCommands).map(([name, run]) =>
  definePodCommand(name, async (args, ctx, world) => run(args, ioOf(ctx, world), await podNetwork(world))),
);
