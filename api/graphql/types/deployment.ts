import { deploymentKind } from "../../../kube/kinds/deployment/index.ts";
import { viewAs } from "../../../kube/kinds/kind.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { objectFields } from "./object.ts";
import { ownedBy } from "./owned.ts";

const deployment = (r: ObjectRef) => viewAs(deploymentKind, r.obj);

/** Deployment: replica counts and its replica sets, newest first. */
export const Deployment = {
  ...objectFields,
  replicas: (r: ObjectRef) => deployment(r).spec?.replicas ?? 1,
  readyReplicas: (r: ObjectRef) => deployment(r).status?.readyReplicas ?? 0,
  updatedReplicas: (r: ObjectRef) => deployment(r).status?.updatedReplicas ?? 0,
  availableReplicas: (r: ObjectRef) => deployment(r).status?.availableReplicas ?? 0,
  replicaSets: async (r: ObjectRef, _: unknown, ctx: GraphQLContext) =>
    (await ownedBy(ctx, r, "replicasets.apps")).sort((a, b) =>
      String(b.obj.metadata.creationTimestamp ?? "").localeCompare(
        String(a.obj.metadata.creationTimestamp ?? ""),
      ),
    ),
};
