import { viewAs } from "../../../kube/kinds/kind.ts";
import { podKind } from "../../../kube/kinds/pod/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { objectFields } from "./object.ts";

const pod = (r: ObjectRef) => viewAs(podKind, r.obj);

/** A cell of the pod's `kubectl get pods` row, by column name. */
function printed(r: ObjectRef, column: string): string {
  const i = podKind.printer.columns.findIndex((c) => c.name === column);
  return String(podKind.printer.cells(pod(r), Date.now())[i] ?? "");
}

/** Pod: phase, kubectl's STATUS, IP, node, containers and their statuses. */
export const Pod = {
  ...objectFields,
  phase: (r: ObjectRef) => pod(r).status?.phase ?? null,
  status: (r: ObjectRef) => printed(r, "Status"),
  podIP: (r: ObjectRef) => pod(r).status?.podIP || null,
  nodeName: (r: ObjectRef) => pod(r).spec?.nodeName || null,
  node: async (r: ObjectRef, _: unknown, ctx: GraphQLContext) => {
    const name = pod(r).spec?.nodeName;
    if (!name) return null;
    const obj = await ctx.loaders.object.load({
      sandboxId: r.sandboxId,
      resource: "nodes",
      namespace: "",
      name,
    });
    return obj ? { ...r, obj } : null;
  },
  containers: (r: ObjectRef) =>
    (pod(r).spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? "",
      ports: (c.ports ?? []).map((p) => p.containerPort),
    })),
  containerStatuses: (r: ObjectRef) =>
    (pod(r).status?.containerStatuses ?? []).map((s) => {
      const [state, detail] = Object.entries(s.state ?? {}).find(([, v]) => v) ?? [null, null];
      return {
        name: s.name,
        image: s.image,
        ready: s.ready,
        restartCount: s.restartCount ?? 0,
        state,
        reason: (detail as { reason?: string } | null)?.reason ?? null,
      };
    }),
  restarts: (r: ObjectRef) =>
    (pod(r).status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0),
};
