import type { AdmissionPlugin } from "../../admission/plugin.ts";
import { forbidden, type StatusError } from "../../errors.ts";
import type { KubeObject } from "../../object.ts";
import type { ObjectStore } from "../../object-store.ts";
import {
  addLists,
  exceeding,
  maskList,
  prettyPrint,
  type ResourceList,
  readResourceList,
  writeResourceList,
} from "../../quantity/resource-list.ts";
import type { ResourceQuota } from "../../types/core-v1.ts";
import { storageResource, viewAs } from "../kind.ts";
import { podKind } from "../pod/index.ts";
import { resourceQuotaKind } from "./index.ts";
import { inScope } from "./scopes.ts";
import { quotaStatus, sameStatus } from "./status.ts";
import { podConstraintProblem, tracks, usageOf } from "./usage.ts";

/** Resources the quota admission leaves alone (quota's DefaultIgnoredResources). */
const ignored = new Set(["events"]);

function refuse(resource: string, obj: KubeObject, message: string): StatusError {
  const name = obj.metadata.name ?? "";
  return forbidden(`${resource} "${name}" is forbidden: ${message}`, { name, kind: resource });
}

/**
 * The status of a ResourceQuota being created or changed: what the quota controller would write
 * at once (its hard limits, and the namespace's usage, the new quota itself included).
 */
export const resourceQuotaStatus: AdmissionPlugin = {
  name: "ResourceQuotaStatus",
  resources: ["resourcequotas"],
  async mutate(req, obj) {
    if (req.subresource === "status") return;
    const quota = viewAs(resourceQuotaKind, obj);
    const old = viewAs(resourceQuotaKind, req.old);
    const pending = req.operation === "CREATE" ? { resource: "resourcequotas", obj: quota } : undefined;
    const status = await quotaStatus(req.objects, quota, pending);
    // An unchanged status stays as stored, so an update that changes nothing stores nothing.
    quota.status = old && sameStatus(status, old.status) ? old.status : status;
  },
};

interface Charge {
  quota: ResourceQuota;
  used: ResourceList;
}

/**
 * CheckRequest: for each quota of the namespace that counts the new object, the object's usage is
 * added to the quota's; any quota it would exceed refuses the create with the API server's 403.
 * Otherwise the quotas' status.used is stored with the new usage, in the same transaction.
 */
async function charge(objects: ObjectStore, resource: string, obj: KubeObject): Promise<void> {
  const namespace = obj.metadata.namespace ?? "";
  const quotas = (await objects.list("resourcequotas", namespace)).map((q) => viewAs(resourceQuotaKind, q));
  if (!quotas.length) return;
  const usage = usageOf(resource, obj);
  const charges: Charge[] = [];
  for (const quota of quotas) {
    const hard = readResourceList(quota.status?.hard);
    const limited = [...hard.keys()].filter((name) => tracks(resource, name));
    if (!limited.length || !inScope(quota, resource, obj)) continue;
    const name = quota.metadata.name ?? "";
    const problem = resource === "pods" ? podConstraintProblem(viewAs(podKind, obj), limited) : null;
    if (problem) throw refuse(resource, obj, `failed quota: ${name}: ${problem}`);
    const used = readResourceList(quota.status?.used);
    const unknown = limited.filter((n) => !used.has(n)).sort();
    if (unknown.length)
      throw refuse(resource, obj, `status unknown for quota: ${name}, resources: ${unknown.join(",")}`);
    const requested = maskList(usage, hard.keys());
    const next = addLists(used, requested);
    const exceeded = exceeding(maskList(next, requested.keys()), hard);
    if (exceeded.length)
      throw refuse(
        resource,
        obj,
        `exceeded quota: ${name}, requested: ${prettyPrint(maskList(requested, exceeded))}, used: ${prettyPrint(maskList(used, exceeded))}, limited: ${prettyPrint(maskList(hard, exceeded))}`,
      );
    charges.push({ quota, used: next });
  }
  for (const { quota, used } of charges) {
    quota.status = { ...quota.status, used: writeResourceList(used) };
    await objects.update({ resource: "resourcequotas", namespace, name: quota.metadata.name ?? "" }, quota);
  }
}

/** The ResourceQuota admission plugin: every namespaced create is charged to the namespace's quotas. */
export const resourceQuota: AdmissionPlugin = {
  name: "ResourceQuota",
  resources: "*",
  listsOnCreate: (kind) => (kind.namespaced && !ignored.has(storageResource(kind)) ? ["resourcequotas"] : []),
  async validate(req, obj) {
    const resource = storageResource(req.kind);
    if (req.operation !== "CREATE" || req.subresource || !req.kind.namespaced || ignored.has(resource))
      return;
    await charge(req.objects, resource, obj);
  },
};
