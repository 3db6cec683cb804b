import { configMapKind } from "../../../kube/kinds/configmap/index.ts";
import { viewAs } from "../../../kube/kinds/kind.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import { objectFields, pairs } from "./object.ts";

/** ConfigMap: its data. */
export const ConfigMap = {
  ...objectFields,
  data: (r: ObjectRef) => pairs(viewAs(configMapKind, r.obj).data),
};
