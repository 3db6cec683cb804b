import { viewAs } from "../../../kube/kinds/kind.ts";
import { nodeKind } from "../../../kube/kinds/node/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { objectFields } from "./object.ts";

const node = (r: ObjectRef) => viewAs(nodeKind, r.obj);

/** Node: readiness, address, and the pods bound to it. */
export const Node = {
  ...objectFields,
  ready: (r: ObjectRef) =>
    node(r).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
  internalIP: (r: ObjectRef) =>
    node(r).status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? null,
  pods: async (r: ObjectRef, _: unknown, ctx: GraphQLContext) => {
    const pods = await ctx.loaders.list.load({ sandboxId: r.sandboxId, resource: "pods", namespace: null });
    return pods
      .filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === r.obj.metadata.name)
      .map((obj) => ({ ...r, obj }));
  },
};
