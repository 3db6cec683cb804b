import { viewAs } from "../../../kube/kinds/kind.ts";
import { replicaSetKind } from "../../../kube/kinds/replicaset/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { objectFields } from "./object.ts";
import { ownedBy } from "./owned.ts";

const rs = (r: ObjectRef) => viewAs(replicaSetKind, r.obj);

/** ReplicaSet: replicas and the pods it owns. */
export const ReplicaSet = {
  ...objectFields,
  replicas: (r: ObjectRef) => rs(r).spec?.replicas ?? 1,
  readyReplicas: (r: ObjectRef) => rs(r).status?.readyReplicas ?? 0,
  pods: (r: ObjectRef, _: unknown, ctx: GraphQLContext) => ownedBy(ctx, r, "pods"),
};
