import { endpointsKind } from "../../../kube/kinds/endpoints/index.ts";
import { viewAs } from "../../../kube/kinds/kind.ts";
import { serviceKind } from "../../../kube/kinds/service/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { objectFields, pairs } from "./object.ts";

const service = (r: ObjectRef) => viewAs(serviceKind, r.obj);

/** The pods of the service's namespace, by name, from the request's loader. */
async function podsByName(ctx: GraphQLContext, r: ObjectRef) {
  const pods = await ctx.loaders.list.load({
    sandboxId: r.sandboxId,
    resource: "pods",
    namespace: r.obj.metadata.namespace ?? "",
  });
  return new Map(pods.map((p) => [p.metadata.name ?? "", p]));
}

/** Service: type, ports, selector, and what is behind it — its Endpoints' addresses and the pods its selector picks. */
export const Service = {
  ...objectFields,
  type: (r: ObjectRef) => service(r).spec?.type ?? "ClusterIP",
  clusterIP: (r: ObjectRef) => service(r).spec?.clusterIP || null,
  ports: (r: ObjectRef) =>
    (service(r).spec?.ports ?? []).map((p) => ({
      name: p.name || null,
      protocol: p.protocol ?? "TCP",
      port: p.port,
      targetPort: p.targetPort === undefined ? null : String(p.targetPort),
      nodePort: p.nodePort || null,
    })),
  selector: (r: ObjectRef) => pairs(service(r).spec?.selector),
  endpoints: async (r: ObjectRef, _: unknown, ctx: GraphQLContext) => {
    const [found, pods] = await Promise.all([
      ctx.loaders.object.load({
        sandboxId: r.sandboxId,
        resource: "endpoints",
        namespace: r.obj.metadata.namespace ?? "",
        name: r.obj.metadata.name ?? "",
      }),
      podsByName(ctx, r),
    ]);
    if (!found) return [];
    const address = (ready: boolean) => (a: { ip: string; targetRef?: { kind?: string; name?: string } }) => {
      const pod = a.targetRef?.kind === "Pod" ? pods.get(a.targetRef.name ?? "") : undefined;
      return { ip: a.ip, ready, pod: pod ? { ...r, obj: pod } : null };
    };
    return (viewAs(endpointsKind, found).subsets ?? []).flatMap((s) => [
      ...(s.addresses ?? []).map(address(true)),
      ...(s.notReadyAddresses ?? []).map(address(false)),
    ]);
  },
  pods: async (r: ObjectRef, _: unknown, ctx: GraphQLContext) => {
    const selector = service(r).spec?.selector;
    if (!selector || !Object.keys(selector).length) return [];
    const pods = await podsByName(ctx, r);
    return [...pods.values()]
      .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v))
      .map((obj) => ({ ...r, obj }));
  },
};
