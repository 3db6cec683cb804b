import { readNetworkWorld } from "../../db/pods/network-read.ts";
import { badRequest } from "../../kube/errors.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { steppingClock } from "../../kube/network/context.ts";
import type { PortForwardTarget } from "../../kube/network/port-forward.ts";
import { podView } from "../../kube/network/world.ts";
import { sandboxNetwork } from "../../registry/network.ts";
import { readObject } from "../../registry/read.ts";
import { appendContainerLog } from "./container-log.ts";
import type { KubeRequestContext } from "./context.ts";
import type { ResourcePath } from "./resource-path.ts";
import { whilePodRuns } from "./session-end.ts";

/**
 * What a port-forward upgrade may open, once the request is authenticated and authorized as any
 * other (the stream gate, api/kube/index.ts: `create` on pods/portforward): the pod, and that it
 * runs. The streams themselves are the Node edge's (server/port-forward.ts).
 */

const portForwardPath = /^(?:\/sandboxes\/[^/]+)?\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/portforward\/?$/;

/** Whether a path names a pod's portforward subresource. */
export function isPortForwardPath(path: string): boolean {
  return portForwardPath.test(path);
}

/** The target of an authorized port-forward request; NotFound, or BadRequest when the pod does not run. */
export async function preparePortForward(
  ctx: KubeRequestContext,
  path: ResourcePath,
): Promise<PortForwardTarget> {
  const namespace = path.namespace ?? "";
  const name = path.name ?? "";
  const object = viewAs(podKind, await readObject(ctx.database, ctx.sandboxId, podKind, { namespace, name }));
  const pod = podView(object);
  if (pod.phase !== "Running") throw badRequest(`pod ${name} is not running`);
  const { database, sandboxId } = ctx;
  return {
    pod,
    endsWhen: (end) => whilePodRuns(ctx, object, end),
    async network() {
      const world = await readNetworkWorld(database, sandboxId);
      const self = world.pods.find((p) => p.namespace === namespace && p.name === name) ?? pod;
      return sandboxNetwork(database, sandboxId, world, {
        self,
        clock: steppingClock(Date.now()),
        longLived: true,
        appendLog: (target, lines, at) => appendContainerLog({ database, sandboxId }, target, lines, at),
      });
    },
  };
}
