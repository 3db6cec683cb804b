import type { Kind } from "../kinds/kind.ts";
import { limitRanger } from "../kinds/limitrange/limit-ranger.ts";
import {
  defaultTolerationSecondsAdmission,
  priorityAdmission,
  serviceAccountAdmission,
} from "../kinds/pod/admission.ts";
import { resourceQuota, resourceQuotaStatus } from "../kinds/resourcequota/admission.ts";
import { serviceAllocation } from "../kinds/service/allocation-admission.ts";
import type { KubeObject } from "../object.ts";
import type { AdmissionPlugin, AdmissionRequest } from "./plugin.ts";

/**
 * The admission plugins, in the order the API server runs them (each lives with its kind). A
 * plugin for a new kind is one line here.
 */
export const admissionPlugins: AdmissionPlugin[] = [
  serviceAccountAdmission,
  priorityAdmission,
  defaultTolerationSecondsAdmission,
  serviceAllocation,
  limitRanger,
  resourceQuotaStatus,
  // ResourceQuota stays last: it charges what the plugins before it let through.
  resourceQuota,
];

function applies(plugin: AdmissionPlugin, resource: string): boolean {
  return plugin.resources === "*" || plugin.resources.includes(resource);
}

/** Runs every `admit` hook that applies (with the kind's preparation, before validation). */
export function admit(resource: string, obj: KubeObject, old: KubeObject | null): void {
  for (const p of admissionPlugins) if (p.admit && applies(p, resource)) p.admit(obj, old);
}

/** Runs every mutating plugin that applies; true when any ran. */
export async function mutate(req: AdmissionRequest, resource: string, obj: KubeObject): Promise<boolean> {
  let ran = false;
  for (const p of admissionPlugins)
    if (p.mutate && applies(p, resource)) {
      await p.mutate(req, obj);
      ran = true;
    }
  return ran;
}

/** Runs every validating plugin that applies. */
export async function validate(req: AdmissionRequest, resource: string, obj: KubeObject): Promise<void> {
  for (const p of admissionPlugins) if (p.validate && applies(p, resource)) await p.validate(req, obj);
}

/** The resources of the new object's namespace the plugins that apply will list on its create. */
export function listsOnCreate(kind: Kind, resource: string, obj: KubeObject): string[] {
  const lists = new Set<string>();
  for (const p of admissionPlugins)
    if (applies(p, resource)) for (const r of p.listsOnCreate?.(kind, obj) ?? []) lists.add(r);
  return [...lists];
}
