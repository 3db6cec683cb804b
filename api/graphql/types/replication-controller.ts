import { viewAs } from "../../../kube/kinds/kind.ts";
import { replicationControllerKind } from "../../../kube/kinds/replicationcontroller/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { objectFields, pairs } from "./object.ts";
import { ownedBy } from "./owned.ts";

const rc = (r: ObjectRef) => viewAs(replicationControllerKind, r.obj);

/** ReplicationController: replicas, selector, and the pods it owns. */
export const ReplicationController = {
  ...objectFields,
  replicas: (r: ObjectRef) => rc(r).spec?.replicas ?? 1,
  readyReplicas: (r: ObjectRef) => rc(r).status?.readyReplicas ?? 0,
  selector: (r: ObjectRef) => pairs(rc(r).spec?.selector),
  pods: (r: ObjectRef, _: unknown, ctx: GraphQLContext) => ownedBy(ctx, r, "pods"),
};
