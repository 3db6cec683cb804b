import { authorizeSandbox } from "../../accounts/access.ts";
import { userInfoOf } from "../../accounts/identity.ts";
import { permissionsOf } from "../../accounts/permissions.ts";
import type { Database } from "../../db/connection.ts";
import { getObject } from "../../db/store/reads.ts";
import { badRequest, notFound, StatusError } from "../../kube/errors.ts";
import { steppingClock } from "../../kube/network/context.ts";
import type { PortForwardTarget } from "../../kube/network/port-forward.ts";
import { podView } from "../../kube/network/world.ts";
import { forbiddenByRbac, rulesAllow } from "../../kube/reviews/rules.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { readNetworkWorld, sandboxNetwork } from "../../registry/network.ts";
import { appendContainerLog } from "./container-log.ts";

/**
 * What a port-forward upgrade may open, decided as the API server decides it before switching
 * protocols: the token's sandbox, `create` on pods/portforward, the pod, and that it runs. The
 * WebSocket itself is the Node edge's (server/port-forward.ts); this part is plain request logic.
 */

const portForwardPath =
  /^(?:\/sandboxes\/([^/]+))?\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/;

/** Whether a path names a pod's portforward subresource. */
export function isPortForwardPath(path: string): boolean {
  return portForwardPath.test(path);
}

function bearer(headers: Headers): string | null {
  return /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1]?.trim() || null;
}

/** The target of a port-forward request, or the Status error to answer instead of upgrading. */
export async function preparePortForward(
  deps: { database: Database; signingKey: Uint8Array },
  path: string,
  headers: Headers,
  sandboxOfToken: (token: string | null) => Promise<string>,
): Promise<PortForwardTarget> {
  const m = portForwardPath.exec(path);
  if (!m) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  const namespace = decodeURIComponent(m[2] ?? "");
  const name = decodeURIComponent(m[3] ?? "");
  const token = bearer(headers);
  const sandboxId = m[1] ? m[1].toLowerCase() : await sandboxOfToken(token);
  const caller = await authorizeSandbox(deps.database, deps.signingKey, token, sandboxId);
  const attributes = {
    verb: "create",
    namespace,
    group: "",
    version: "v1",
    resource: "pods",
    subresource: "portforward",
    name,
  };
  if (!rulesAllow(permissionsOf(caller), { resource: attributes })) {
    const { username = "" } = await userInfoOf(deps.database, caller);
    throw forbiddenByRbac(username, attributes);
  }
  const obj = await getObject(deps.database, sandboxId, { resource: "pods", namespace, name });
  if (!obj) throw notFound("", "pods", name);
  const pod = podView(obj as Pod);
  if (pod.phase !== "Running") throw badRequest(`pod ${name} is not running`);
  return {
    pod,
    async network() {
      const world = await readNetworkWorld(deps.database, sandboxId);
      const self = world.pods.find((p) => p.namespace === namespace && p.name === name) ?? pod;
      return sandboxNetwork(deps.database, sandboxId, world, {
        self,
        clock: steppingClock(Date.now()),
        appendLog: (target, lines, at) =>
          appendContainerLog({ database: deps.database, sandboxId }, target, lines, at),
      });
    },
  };
}
