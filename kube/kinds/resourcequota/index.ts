import { age } from "../../go/human-duration.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import { formatQuantity, newQuantity } from "../../quantity/quantity.ts";
import { decodeResourceList, readResourceList } from "../../quantity/resource-list.ts";
import type { ResourceQuota } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";
import { validateResourceQuota, validateResourceQuotaUpdate } from "./validation.ts";

/** Decoding: the quantities of spec.hard, status.hard and status.used parsed and canonical. */
function defaults(obj: KubeObject): void {
  if (isPlainObject(obj.spec)) decodeResourceList(obj.spec, "hard", obj);
  if (isPlainObject(obj.status)) {
    decodeResourceList(obj.status, "hard", obj);
    decodeResourceList(obj.status, "used", obj);
  }
}

/**
 * printResourceQuota's Request and Limit cells: "used/hard" per resource of status.hard, names
 * sorted; limits.* resources go to Limit, everything else to Request.
 */
export function quotaUsageCells(obj: ResourceQuota): [string, string] {
  const hard = readResourceList(obj.status?.hard);
  const used = readResourceList(obj.status?.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of [...hard.keys()].sort()) {
    const cell = `${name}: ${formatQuantity(used.get(name) ?? newQuantity(0))}/${formatQuantity(hard.get(name) ?? newQuantity(0))}`;
    (name.split(".")[0] === "limits" && name.includes(".") ? limit : request).push(cell);
  }
  return [request.join(", "), limit.join(", ")];
}

/**
 * core/v1 ResourceQuota: hard limits on what a namespace may hold. Its status (the enforced hard
 * limits and the usage) is the server's: the ResourceQuota admission plugin keeps it current.
 */
export const resourceQuotaKind = defineKind<ResourceQuota>({
  apiVersion: "v1",
  resource: "resourcequotas",
  kind: "ResourceQuota",
  namespaced: true,
  shortNames: ["quota"],
  subresources: ["status"],
  printer: {
    columns: [
      nameColumn,
      {
        name: "Request",
        type: "string",
        description: "Request represents a minimum amount of cpu/memory that a container may consume.",
        priority: 0,
      },
      {
        name: "Limit",
        type: "string",
        description:
          "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
        priority: 0,
      },
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      ...quotaUsageCells(obj),
      age(obj.metadata.creationTimestamp, now),
    ],
  },
  defaults,
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = old.status;
  },
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
});
