import type { SandboxWriter } from "../db/store.ts";
import type { Kind } from "../kube/kinds/kind.ts";
import type { KubeObject } from "../kube/object.ts";
import { limitRanger } from "./admission/limitranger.ts";
import { resourceQuota, resourceQuotaStatus } from "./admission/resourcequota.ts";
import { serviceAllocation } from "./admission/service-allocation.ts";

/** What an admission plugin sees: the write's transaction, the kind, and the object before it. */
export interface AdmissionRequest {
  w: SandboxWriter;
  kind: Kind;
  operation: "CREATE" | "UPDATE";
  /** The stored object, for updates. */
  old: KubeObject | null;
  dryRun: boolean;
  /** "status" for writes through the status subresource. */
  subresource?: string;
}

/**
 * An admission plugin, as the API server's: `mutate` may change the object (defaults from a
 * LimitRange, an allocated ClusterIP), `validate` may refuse it by throwing a StatusError.
 * Both run inside the write's transaction, after the kind's own validation.
 */
export interface AdmissionPlugin {
  name: string;
  /** Storage resources it acts on ("pods", "services", …); "*" for all. */
  resources: string[] | "*";
  mutate?(req: AdmissionRequest, obj: KubeObject): Promise<void>;
  validate?(req: AdmissionRequest, obj: KubeObject): Promise<void>;
  /**
   * Sends the reads `mutate` and `validate` will make of a create, before the transaction
   * needs them, so that they travel with the sandbox's lock (SandboxWriter.open).
   */
  earlyReadsOnCreate?(w: SandboxWriter, kind: Kind, obj: KubeObject): void;
}

/** The plugins, in the order the API server runs them. Issues add theirs here. */
export const admissionPlugins: AdmissionPlugin[] = [
  serviceAllocation,
  limitRanger,
  resourceQuotaStatus,
  // ResourceQuota stays last: it charges what the plugins before it let through.
  resourceQuota,
];

function applies(plugin: AdmissionPlugin, resource: string): boolean {
  return plugin.resources === "*" || plugin.resources.includes(resource);
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

/** Sends the reads the plugins that apply will make of this create (see earlyReadsOnCreate). */
export function earlyReadsOnCreate(w: SandboxWriter, kind: Kind, resource: string, obj: KubeObject): void {
  for (const p of admissionPlugins) if (applies(p, resource)) p.earlyReadsOnCreate?.(w, kind, obj);
}

/** Runs every validating plugin that applies. */
export async function validate(req: AdmissionRequest, resource: string, obj: KubeObject): Promise<void> {
  for (const p of admissionPlugins) if (p.validate && applies(p, resource)) await p.validate(req, obj);
}
