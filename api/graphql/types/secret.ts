import { GraphQLError } from "graphql";
import { viewAs } from "../../../kube/kinds/kind.ts";
import { secretKind } from "../../../kube/kinds/secret/index.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import { objectFields } from "./object.ts";

const secret = (r: ObjectRef) => viewAs(secretKind, r.obj);

/** Secret: its type and key names for whoever may read the sandbox; its values for the owner only. */
export const Secret = {
  ...objectFields,
  type: (r: ObjectRef) => secret(r).type ?? "Opaque",
  keys: (r: ObjectRef) => Object.keys({ ...secret(r).data, ...secret(r).stringData }).sort(),
  values: (r: ObjectRef) => {
    if (r.scope !== "owner")
      throw new GraphQLError("a Secret's values are the sandbox owner's to read", {
        extensions: { code: "FORBIDDEN" },
      });
    return Object.entries(secret(r).data ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => ({ key, value: Buffer.from(String(value), "base64").toString("utf8") }));
  },
};
