import { type FieldError, invalid, invalidValue, notSupported } from "../errors.ts";
import type { Kind } from "../kinds/kind.ts";
import { clone, type KubeObject, timestamp } from "../object.ts";
import type { DeleteOptions as MetaDeleteOptions, Preconditions } from "../types/meta-v1.ts";

/** metav1.DeleteOptions, as far as the server acts on them. */
export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  dryRun?: boolean;
}

/** metav1.DeleteOptions as a request gives them (its body decoded, or its query parameters), unchecked. */
export type RequestedDeleteOptions = Pick<
  MetaDeleteOptions,
  "gracePeriodSeconds" | "preconditions" | "orphanDependents" | "propagationPolicy" | "dryRun"
>;

const propagationPolicies = ["Foreground", "Background", "Orphan"];

/**
 * ValidateDeleteOptions (as rest.BeforeDelete runs it: a 422 on DeleteOptions.meta.k8s.io), then the
 * options the server acts on. The deprecated orphanDependents reads as the policy it stands for.
 */
export function checkDeleteOptions(requested: RequestedDeleteOptions): DeleteOptions {
  const { propagationPolicy: policy, orphanDependents: orphan } = requested;
  const errors: FieldError[] = [];
  if (orphan !== undefined && policy !== undefined)
    errors.push(
      invalidValue(
        "propagationPolicy",
        policy,
        "orphanDependents and deletionPropagation cannot be both set",
      ),
    );
  if (policy !== undefined && !propagationPolicies.includes(policy))
    errors.push(notSupported("propagationPolicy", policy, [...propagationPolicies, "nil"]));
  if (errors.length) throw invalid("meta.k8s.io", "DeleteOptions", "", errors);
  const propagationPolicy = (policy ??
    (orphan === undefined ? undefined : orphan ? "Orphan" : "Background")) as
    | DeleteOptions["propagationPolicy"]
    | undefined;
  return {
    ...(propagationPolicy ? { propagationPolicy } : {}),
    ...(requested.gracePeriodSeconds !== undefined
      ? { gracePeriodSeconds: requested.gracePeriodSeconds }
      : {}),
    ...(requested.preconditions ? { preconditions: requested.preconditions } : {}),
    dryRun: requested.dryRun?.includes("All") ?? false,
  };
}

/** The finalizer the garbage collector honours by removing the owner's references from its dependents. */
export const orphanFinalizer = "orphan";
/** The finalizer the garbage collector honours by deleting the blocking dependents first. */
export const foregroundFinalizer = "foregroundDeletion";

/**
 * What a DELETE does to a stored object: remove it now (`object` as the DELETED event shows
 * it), store it marked for deletion (deletionTimestamp, finalizers), or nothing (a graceful
 * deletion is already under way and the request does not shorten it).
 */
export type DeletionPlan =
  | { action: "remove"; object: KubeObject }
  | { action: "mark"; object: KubeObject }
  | { action: "pending"; object: KubeObject };

/**
 * store.go's shouldOrphanDependents and shouldDeleteDependents: the request's policy first, then
 * a finalizer the object already carries, then the kind's default.
 */
function gcPolicy(kind: Kind, finalizers: string[], options: DeleteOptions): "orphan" | "foreground" | null {
  switch (options.propagationPolicy) {
    case "Orphan":
      return "orphan";
    case "Foreground":
      return "foreground";
    case "Background":
      return null;
  }
  for (const f of finalizers) {
    if (f === orphanFinalizer) return "orphan";
    if (f === foregroundFinalizer) return "foreground";
  }
  return kind.defaultGarbageCollectionPolicy === "OrphanDependents" ? "orphan" : null;
}

/** deletionFinalizersForGarbageCollection: the object's finalizers with the GC's two set as the policy says. */
export function finalizersForDeletion(kind: Kind, finalizers: string[], options: DeleteOptions): string[] {
  const policy = gcPolicy(kind, finalizers, options);
  const kept = finalizers.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  if (policy === "orphan") kept.push(orphanFinalizer);
  if (policy === "foreground") kept.push(foregroundFinalizer);
  return kept;
}

function plusSeconds(ts: string, seconds: number): string {
  return timestamp(new Date(Date.parse(ts) + seconds * 1000));
}

/**
 * rest.BeforeDelete for kinds deleted gracefully: "graceful" sets (or shortens) the
 * deletionTimestamp and grace period on `next`, "pending" means a longer or unspecified grace
 * changes nothing, "immediate" means the grace period is over (or was never given).
 */
function graceful(
  kind: Kind,
  next: KubeObject,
  options: DeleteOptions,
  now: Date,
): { state: "graceful"; grace: number } | { state: "pending" } | { state: "immediate" } {
  if (!kind.gracefulDeletePeriod) return { state: "immediate" };
  const m = next.metadata;
  const requested =
    options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0
      ? 1
      : options.gracePeriodSeconds;
  if (m.deletionTimestamp) {
    const current = m.deletionGracePeriodSeconds;
    if (!current) return { state: "immediate" };
    // Only a shorter grace period may be asked for; the deadline moves back by the difference.
    if (requested === undefined || requested >= current) return { state: "pending" };
    m.deletionTimestamp = plusSeconds(m.deletionTimestamp, requested - current);
    m.deletionGracePeriodSeconds = requested;
    return { state: "graceful", grace: requested };
  }
  const grace = kind.gracefulDeletePeriod(next, requested);
  m.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
  m.deletionGracePeriodSeconds = grace;
  if (m.generation) m.generation += 1;
  return { state: "graceful", grace };
}

/**
 * The API server's Delete (generic registry store.go with rest.BeforeDelete), as a plan: graceful
 * deletion for kinds that have it, the garbage collector's finalizers as the propagation policy
 * asks, and removal once neither a grace period nor a finalizer holds the object.
 */
export function planDeletion(
  kind: Kind,
  obj: KubeObject,
  options: DeleteOptions,
  now = new Date(),
): DeletionPlan {
  const next = clone(obj);
  const m = next.metadata;
  const grace = graceful(kind, next, options, now);
  if (grace.state === "pending") return { action: "pending", object: obj };
  const before = m.finalizers ?? [];
  const finalizers = finalizersForDeletion(kind, before, options);
  if (finalizers.length || before.length) m.finalizers = finalizers;
  if (!finalizers.length && m.finalizers) delete m.finalizers;
  if (grace.state === "immediate") {
    if (!finalizers.length) return { action: "remove", object: obj };
    // markAsDeleting: a deletionTimestamp now (or earlier), no grace left; the finalizers hold it.
    if (!m.deletionTimestamp && m.generation) m.generation += 1;
    if (!m.deletionTimestamp || Date.parse(m.deletionTimestamp) > now.getTime())
      m.deletionTimestamp = timestamp(now);
    m.deletionGracePeriodSeconds = 0;
    return { action: "mark", object: next };
  }
  if (finalizers.length || grace.grace > 0) return { action: "mark", object: next };
  return { action: "remove", object: next };
}

/**
 * ShouldDeleteDuringUpdate: an update that removes the last finalizer of an object being
 * deleted, with no grace period pending, removes the object instead of storing it.
 */
export function shouldDeleteDuringUpdate(old: KubeObject, next: KubeObject): boolean {
  if (next.metadata.finalizers?.length) return false;
  if (!old.metadata.finalizers?.length) return false;
  if (!old.metadata.deletionTimestamp) return false;
  return !(old.metadata.deletionGracePeriodSeconds && old.metadata.deletionGracePeriodSeconds > 0);
}
