import { viewAs } from "../../../kube/kinds/kind.ts";
import { namespaceKind } from "../../../kube/kinds/namespace/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import { objectFields } from "./object.ts";

/** Namespace: its phase. */
export const Namespace = {
  ...objectFields,
  phase: (r: ObjectRef) => viewAs(namespaceKind, r.obj).status?.phase ?? null,
};
