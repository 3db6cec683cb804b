import { listKubeconfigTokens } from "../../../accounts/kubeconfig-tokens.ts";
import type { TokenScope } from "../../../accounts/permissions.ts";
import type { SandboxView } from "../../../accounts/sandboxes.ts";
import { currentRevision } from "../../../db/store/reads.ts";
import { configMapKind } from "../../../kube/kinds/configmap/index.ts";
import { deploymentKind } from "../../../kube/kinds/deployment/index.ts";
import { eventKind } from "../../../kube/kinds/event/index.ts";
import { kinds } from "../../../kube/kinds/index.ts";
import type { Kind } from "../../../kube/kinds/kind.ts";
import { limitRangeKind } from "../../../kube/kinds/limitrange/index.ts";
import { namespaceKind } from "../../../kube/kinds/namespace/index.ts";
import { nodeKind } from "../../../kube/kinds/node/index.ts";
import { podKind } from "../../../kube/kinds/pod/index.ts";
import { replicaSetKind } from "../../../kube/kinds/replicaset/index.ts";
import { replicationControllerKind } from "../../../kube/kinds/replicationcontroller/index.ts";
import { resourceQuotaKind } from "../../../kube/kinds/resourcequota/index.ts";
import { secretKind } from "../../../kube/kinds/secret/index.ts";
import { serviceKind } from "../../../kube/kinds/service/index.ts";
import { type ListArgs, listConnection } from "../cluster/connection.ts";
import { keyOf, kindNamed } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";

const scopeOf = (s: SandboxView): TokenScope => (s.access === "OWNER" ? "owner" : "read");

/** A list field of one kind: a connection, filtered and paged (cluster/connection.ts). */
function listOf(kind: Kind) {
  return (s: SandboxView, args: ListArgs, ctx: GraphQLContext) =>
    listConnection(ctx.database, s.id, scopeOf(s), kind, args);
}

/**
 * Sandbox: what the caller may see of one (a SandboxView, checked when it was read): its
 * cluster's objects by kind, any kind generically, and the owner's kubeconfig tokens. Secrets are
 * listed for every reader (metadata and key names); Secret.values is the owner's alone.
 */
export const Sandbox = {
  revision: async (s: SandboxView, _: unknown, ctx: GraphQLContext) =>
    String((await currentRevision(ctx.database.sql, s.id)) ?? 0),
  kubeconfigTokens: (s: SandboxView, _: unknown, ctx: GraphQLContext) =>
    s.access === "OWNER" && ctx.user ? listKubeconfigTokens(ctx.database, ctx.user.id, s.id) : [],
  resourceTypes: () =>
    kinds.map((k) => ({
      group: k.group,
      version: k.version,
      kind: k.kind,
      resource: k.resource,
      namespaced: k.namespaced,
      shortNames: k.shortNames,
    })),
  namespaces: listOf(namespaceKind),
  nodes: listOf(nodeKind),
  pods: listOf(podKind),
  replicationControllers: listOf(replicationControllerKind),
  replicaSets: listOf(replicaSetKind),
  deployments: listOf(deploymentKind),
  services: listOf(serviceKind),
  secrets: listOf(secretKind),
  configMaps: listOf(configMapKind),
  limitRanges: listOf(limitRangeKind),
  resourceQuotas: listOf(resourceQuotaKind),
  events: listOf(eventKind),
  objects: (s: SandboxView, args: ListArgs & { resource: string }, ctx: GraphQLContext) =>
    listConnection(ctx.database, s.id, scopeOf(s), kindNamed(args.resource), args),
  object: async (
    s: SandboxView,
    args: { resource: string; namespace?: string | null; name: string },
    ctx: GraphQLContext,
  ) => {
    const key = keyOf(kindNamed(args.resource), args.namespace, args.name);
    const obj = await ctx.loaders.object.load({ sandboxId: s.id, ...key });
    return obj ? { sandboxId: s.id, scope: scopeOf(s), obj } : null;
  },
};
