import type { KubeObject } from "../../object.ts";
import type { ObjectStore } from "../../object-store.ts";
import {
  addLists,
  maskList,
  type ResourceList,
  readResourceList,
  writeResourceList,
  zeroList,
} from "../../quantity/resource-list.ts";
import type { ResourceQuota, ResourceQuotaStatus } from "../../types/core-v1.ts";
import { viewAs } from "../kind.ts";
import { resourceQuotaKind } from "./index.ts";
import { inScope } from "./scopes.ts";
import { resourcesFor, tracks, usageOf } from "./usage.ts";

/**
 * Quota usage, measured from what the namespace stores, as the resource quota controller's
 * CalculateUsage measures it; kept in each ResourceQuota's status within the write's transaction.
 */

/** An object being created, counted before it is stored. */
export interface Pending {
  resource: string;
  obj: KubeObject;
}

function hardOf(quota: ResourceQuota): ResourceList {
  return readResourceList(quota.spec?.hard);
}

/**
 * The usage of everything `quota` limits in its namespace: a zero for each limited name, plus
 * what each stored object in the quota's scopes uses (and `pending`, when given).
 */
export async function measureUsage(
  objects: ObjectStore,
  quota: ResourceQuota,
  pending?: Pending,
): Promise<ResourceList> {
  const namespace = quota.metadata.namespace ?? "";
  const names = [...hardOf(quota).keys()];
  const resources = new Set(names.flatMap(resourcesFor));
  let used: ResourceList = new Map();
  for (const resource of resources) {
    const tracked = names.filter((name) => tracks(resource, name));
    const stored = await objects.list(resource, namespace);
    if (pending?.resource === resource) stored.push(pending.obj);
    let sum = zeroList(tracked);
    for (const obj of stored)
      if (inScope(quota, resource, obj)) sum = addLists(sum, maskList(usageOf(resource, obj), tracked));
    used = addLists(used, sum);
  }
  return used;
}

/** The status a quota should have: its hard limits as enforced, and the measured usage. */
export async function quotaStatus(
  objects: ObjectStore,
  quota: ResourceQuota,
  pending?: Pending,
): Promise<ResourceQuotaStatus> {
  return {
    hard: writeResourceList(hardOf(quota)),
    used: writeResourceList(await measureUsage(objects, quota, pending)),
  };
}

/** Whether two statuses say the same, whatever order their keys come back from storage in. */
export function sameStatus(a: ResourceQuotaStatus | undefined, b: ResourceQuotaStatus | undefined): boolean {
  const lists = (s: ResourceQuotaStatus | undefined) =>
    JSON.stringify([
      writeResourceList(readResourceList(s?.hard)),
      writeResourceList(readResourceList(s?.used)),
    ]);
  return lists(a) === lists(b);
}

/**
 * Measures every quota of a namespace again and stores those whose status changed: after a
 * delete, and whenever something frees what a quota counts (a pod finishing, say).
 */
export async function recomputeQuotaUsage(objects: ObjectStore, namespace: string): Promise<void> {
  for (const stored of await objects.list("resourcequotas", namespace)) {
    const quota = viewAs(resourceQuotaKind, stored);
    const status = await quotaStatus(objects, quota);
    if (sameStatus(status, quota.status)) continue;
    quota.status = status;
    await objects.update({ resource: "resourcequotas", namespace, name: quota.metadata.name ?? "" }, quota);
  }
}
