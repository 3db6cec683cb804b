import type { IFileSystem } from "just-bash";
import { processBalancer } from "../../../network/balancer.ts";
import { networkCommands } from "../../../network/commands/index.ts";
import type { CommandIO } from "../../../network/commands/types.ts";
import type { ContainerRef, PodNetwork } from "../../../network/context.ts";
import { originOf } from "../../../network/route.ts";
import { buildWorld, podView } from "../../../network/world.ts";
import { pathInContainer, volumeAt } from "../../mount-at.ts";
import { toolFlavor } from "../dialect.ts";
import { imageFileText } from "../filesystem.ts";
import { timeAt } from "../log-time.ts";
import { stdinText } from "../stdin-text.ts";
import type { NetworkRead, PodWorld } from "../world.ts";
import { definePodCommand, type PodCommand } from "./define.ts";

/**
 * The network's commands (kube/network/commands: curl, wget, nslookup, dig, host, ping, nc,
 * redis-cli) as pod commands: the sandbox's network read from the world's objects when the
 * command runs, the clock the container's, servers' log lines through the pods' journal.
 */

/** The network as the world's objects make it (a world without a network read of its own). */
async function listedNetwork(world: PodWorld): Promise<NetworkRead> {
  const [pods, services, endpoints, nodes] = await Promise.all(
    ["pods", "services", "endpoints", "nodes"].map((r) => world.objects.list(r, null)),
  );
  return {
    world: buildWorld({
      pods: pods ?? [],
      services: services ?? [],
      endpoints: endpoints ?? [],
      nodes: nodes ?? [],
    }),
  };
}

async function readText(fs: IFileSystem, path: string): Promise<string | null> {
  try {
    return Buffer.from(await fs.readFileBuffer(path)).toString("latin1");
  } catch {
    return null;
  }
}

/**
 * What a server reached from this process reads of its container's files. Its own container's,
 * and a volume this container mounts too, are read from this process's filesystem: what the
 * process wrote a moment ago is served. Any other from the network's reader, or the image.
 */
function servedFiles(world: PodWorld, read: NetworkRead, own: IFileSystem | undefined) {
  const namespace = world.pod.metadata.namespace ?? "default";
  return async (target: ContainerRef, path: string): Promise<string | null> => {
    if (own && target.namespace === namespace && target.pod === world.pod.metadata.name) {
      if (target.container === world.container.name) return readText(own, path);
      const spec = world.pod.spec;
      const other = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find(
        (c) => c.name === target.container,
      );
      const at = other ? volumeAt(other, path) : null;
      const mine = at ? pathInContainer(world.container, at.volume, at.inside) : null;
      if (mine) return readText(own, mine);
    }
    if (read.readFile) return read.readFile(target, path);
    const pod = read.world.podObjects.get(`${target.namespace}/${target.pod}`);
    const spec = pod?.spec;
    const container = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find(
      (c) => c.name === target.container,
    );
    return pod && container ? imageFileText(pod, container.image ?? "", path) : null;
  };
}

/**
 * The network a process of this world sees, read now; `own` is the process's filesystem, whose
 * files its own servers serve.
 */
export async function podNetwork(world: PodWorld, own?: IFileSystem): Promise<PodNetwork> {
  const read = world.network ? await world.network() : await listedNetwork(world);
  const network = read.world;
  const fresh = podView(world.pod);
  const self = network.pods.find((p) => p.namespace === fresh.namespace && p.name === fresh.name) ?? fresh;
  return {
    world: network,
    self,
    origin: originOf(self),
    balancer: processBalancer(world.sandbox),
    clock: { now: () => world.clock.nowMs, sleep: async (ms) => world.clock.sleep(ms) },
    stamp: timeAt,
    readFile: servedFiles(world, read, own),
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
    flavor: toolFlavor(world.container.image ?? ""),
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
  definePodCommand(name, async (args, ctx, world) =>
    run(args, ioOf(ctx, world), await podNetwork(world, ctx.fs)),
  ),
);
