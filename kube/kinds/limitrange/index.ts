import { isPlainObject, type KubeObject } from "../../object.ts";
import { nameColumn } from "../../printing/table.ts";
import { decodeResourceList } from "../../quantity/resource-list.ts";
import type { LimitRange } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";
import { limitRangeLists, validateLimitRange } from "./validation.ts";

/**
 * SetDefaults_LimitRangeItem for a Container item: a missing default limit is the max, a missing
 * default request is the default limit, or else the min.
 */
function defaultContainerItem(item: Record<string, unknown>): void {
  const lists = Object.fromEntries(
    limitRangeLists.map((l) => [
      l,
      { ...(isPlainObject(item[l]) ? (item[l] as Record<string, string>) : {}) },
    ]),
  );
  const { max = {}, min = {}, default: def = {}, defaultRequest: defReq = {} } = lists;
  for (const [k, v] of Object.entries(max)) def[k] ??= v;
  for (const [k, v] of Object.entries(def)) defReq[k] ??= v;
  for (const [k, v] of Object.entries(min)) defReq[k] ??= v;
  // Empty maps are left out, as omitempty leaves them out of the stored object.
  for (const [key, list] of [
    ["default", def],
    ["defaultRequest", defReq],
  ] as const)
    if (Object.keys(list).length) item[key] = list;
}

/** Decoding (quantities parsed, rounded and canonical) and the v1 defaults of every item. */
function defaults(obj: KubeObject): void {
  if (!isPlainObject(obj.spec)) return;
  const limits = Array.isArray(obj.spec.limits) ? obj.spec.limits : [];
  for (const item of limits) {
    if (!isPlainObject(item)) continue;
    for (const list of limitRangeLists) decodeResourceList(item, list, obj);
    if (item.type === "Container") defaultContainerItem(item);
  }
}

/**
 * core/v1 LimitRange: per-namespace bounds and defaults for containers, pods and claims, which
 * the LimitRanger admission plugin applies. It has no printer of its own, so it prints as the API
 * server's default table: Name and Created At.
 */
export const limitRangeKind = defineKind<LimitRange>({
  apiVersion: "v1",
  resource: "limitranges",
  kind: "LimitRange",
  namespaced: true,
  shortNames: ["limits"],
  printer: {
    columns: [
      nameColumn,
      {
        name: "Created At",
        type: "date",
        description:
          "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        priority: 0,
      },
    ],
    cells: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? ""],
  },
  defaults,
  validate: validateLimitRange,
});
