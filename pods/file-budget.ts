import type { TenantLimits } from "../config.ts";
import type { FileBudget } from "../db/pods/files.ts";
import { parseQuantity } from "../kube/quantity/quantity.ts";
import type { Pod } from "../kube/types/core-v1.ts";

/**
 * The most a pod's files may take, as a node bounds a pod's ephemeral storage: the tenant's
 * budget (config.ts, fileBytesPerPod), or less when its containers declare
 * `resources.limits.ephemeral-storage` (the sum of those declared, as the kubelet's eviction
 * manager sums them for the pod); and the sandbox's budget for all its files.
 *
 * Past the budget a write is refused (ENOSPC), where kubelet would evict the pod once it had
 * measured it (every 10 s): here storage is the shared Postgres, which must never hold more.
 */
export function fileBudgetOf(limits: TenantLimits, pod: Pod): FileBudget {
  const declared = (pod.spec?.containers ?? [])
    .map((c) => parseQuantity(c.resources?.limits?.["ephemeral-storage"]))
    .filter((q): q is number => q !== null);
  const podBytes = declared.length
    ? Math.min(limits.fileBytesPerPod, Math.floor(declared.reduce((a, b) => a + b, 0)))
    : limits.fileBytesPerPod;
  return { podBytes, sandboxBytes: limits.fileBytesPerSandbox };
}
