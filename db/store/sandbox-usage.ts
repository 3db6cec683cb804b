import type postgres from "postgres";
import type { TenantLimits } from "../../config.ts";
import { forbidden, type StatusError } from "../../kube/errors.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { ObjectKey } from "../../kube/object-store.ts";

/** The service's limits every sandbox has (config.ts), checked by the writer. */
export type SandboxLimits = Pick<
  TenantLimits,
  "objectsPerSandbox" | "bytesPerSandbox" | "replicasPerController"
>;

/**
 * What an instructor set for the sandboxes of a student (classroom_students), the smallest of the
 * student's classes; null where none is set.
 */
export interface StudentLimits {
  maxObjects: number | null;
  maxPods: number | null;
}

/** The quota names of the refusals: the service's own limits, and a class's. */
const serviceQuota = "sandbox-limits";
const classQuota = "classroom";

/**
 * quota's QuotaV1Pod, less its stuck-terminating exception (the simulated kubelet removes a pod
 * when its grace period ends): a pod that has not finished holds one of the sandbox's pods.
 */
export function holdsPod(pod: KubeObject | null): boolean {
  if (!pod) return false;
  const phase = (pod.status as { phase?: unknown } | undefined)?.phase;
  return phase !== "Succeeded" && phase !== "Failed";
}

/** `holdsPod` in SQL, over a row of objects named `o`. */
const podHeldSql = "coalesce(o.body -> 'status' ->> 'phase', '') NOT IN ('Succeeded', 'Failed')";

/**
 * The lock's read: the sandbox's revision, its object count and bytes (kept by every commit),
 * and its owner's limits as a student; with `countPods`, when they limit pods, the pods the
 * sandbox holds, counted over the primary key's range of its pods (no other object is read).
 * One statement, so what the writer checks writes against costs no round trip of its own.
 */
export function lockSandbox(tx: postgres.TransactionSql, sandboxId: string, countPods: boolean) {
  return tx<
    {
      revision: string;
      object_count: number;
      object_bytes: string;
      max_objects: number | null;
      max_pods: number | null;
      pods: number | null;
    }[]
  >`
    SELECT s.revision, s.object_count, s.object_bytes, l.max_objects, l.max_pods,
      CASE WHEN ${countPods}::boolean AND l.max_pods IS NOT NULL THEN (
        SELECT count(*)::int FROM objects o
        WHERE o.sandbox_id = s.id AND o.resource = 'pods' AND ${tx.unsafe(podHeldSql)}
      ) END AS pods
    FROM sandboxes s
    CROSS JOIN LATERAL (
      SELECT min(c.max_objects) AS max_objects, min(c.max_pods) AS max_pods
      FROM classroom_students c WHERE c.user_id = s.owner_id
    ) l
    WHERE s.id = ${sandboxId}
    FOR UPDATE OF s`.execute();
}

/** The pods a sandbox holds, read when the lock's read did not count them. */
export async function countPods(tx: postgres.TransactionSql, sandboxId: string): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    SELECT count(*)::int AS n FROM objects o
    WHERE o.sandbox_id = ${sandboxId} AND o.resource = 'pods' AND ${tx.unsafe(podHeldSql)}`;
  return row?.n ?? 0;
}

/** What one write adds to a sandbox (negative: frees). */
export interface UsageChange {
  objects: number;
  bytes: number;
  pods: number;
}

/** What a write to `resource` of `obj` (after it; null when deleted) from `previous` changes in pods held. */
export function podChange(resource: string, obj: KubeObject | null, previous: KubeObject | null): number {
  if (resource !== "pods") return 0;
  return Number(holdsPod(obj)) - Number(holdsPod(previous));
}

/**
 * A sandbox's usage — objects, bytes of stored JSON, and pods held — as of its lock plus the
 * writes of the transaction, against its limits: the service's for every sandbox, and tighter
 * ones an instructor set for a student's. A write that adds past one is refused with the API
 * server's ResourceQuota error; one that frees or keeps room always passes.
 */
export class SandboxUsage {
  objects: number;
  bytes: number;
  /** Pods held; null until counted (only sandboxes with a pod limit need them). */
  pods: number | null;
  readonly limits: SandboxLimits | undefined;
  readonly student: StudentLimits;
  private readonly start: { objects: number; bytes: number };

  constructor(
    limits: SandboxLimits | undefined,
    student: StudentLimits,
    counted: { objects: number; bytes: number; pods: number | null },
  ) {
    this.limits = limits;
    this.student = student;
    this.objects = counted.objects;
    this.bytes = counted.bytes;
    this.pods = counted.pods;
    this.start = { objects: counted.objects, bytes: counted.bytes };
  }

  /** Whether writes moved the count or bytes: the commit then stores them. */
  get changed(): boolean {
    return this.objects !== this.start.objects || this.bytes !== this.start.bytes;
  }

  /** Whether a pod limit applies, so that pods must be counted. */
  get limitsPods(): boolean {
    return !!this.limits && this.student.maxPods !== null;
  }

  /** The most objects the sandbox may hold, and whose limit that is. */
  private objectLimit(): { limited: number; quota: string } | null {
    if (!this.limits) return null;
    const own = this.student.maxObjects;
    return own !== null && own < this.limits.objectsPerSandbox
      ? { limited: own, quota: classQuota }
      : { limited: this.limits.objectsPerSandbox, quota: serviceQuota };
  }

  /** Refuses a change that would take the sandbox past a limit; counts it (not in a dry run). */
  charge(key: ObjectKey, change: UsageChange, dryRun: boolean): void {
    this.check(key, change);
    if (dryRun) return;
    this.objects += change.objects;
    this.bytes += change.bytes;
    if (this.pods !== null) this.pods += change.pods;
  }

  /** Refuses a change that would take the sandbox past a limit. */
  check(key: ObjectKey, change: Pick<UsageChange, "objects" | "pods"> & { bytes?: number }): void {
    const objects = this.objectLimit();
    if (objects && change.objects > 0 && this.objects + change.objects > objects.limited)
      throw overQuota(key, objects.quota, "objects", change.objects, this.objects, objects.limited);
    const bytes = change.bytes ?? 0;
    if (this.limits && bytes > 0 && this.bytes + bytes > this.limits.bytesPerSandbox)
      throw overQuota(key, serviceQuota, "bytes", bytes, this.bytes, this.limits.bytesPerSandbox);
    const maxPods = this.limits ? this.student.maxPods : null;
    if (maxPods !== null && change.pods > 0 && this.pods !== null && this.pods + change.pods > maxPods)
      throw overQuota(key, classQuota, "pods", change.pods, this.pods, maxPods);
  }

  /** Whether one more object of about `bytes` fits (an event recorder drops events past it). */
  hasRoom(bytes: number): boolean {
    const objects = this.objectLimit();
    return (
      !objects ||
      (this.objects < objects.limited && this.bytes + bytes <= (this.limits as SandboxLimits).bytesPerSandbox)
    );
  }
}

/** A storage key's resource and group: "deployments.apps" is group apps, resource deployments. */
export function groupResource(key: ObjectKey): [resource: string, group: string] {
  const dot = key.resource.indexOf(".");
  return dot < 0 ? [key.resource, ""] : [key.resource.slice(0, dot), key.resource.slice(dot + 1)];
}

/**
 * The API server's ResourceQuota refusal (403 Forbidden, "exceeded quota: …"), for a limit of the
 * sandbox: the service's (`sandbox-limits`, objects or bytes of stored JSON) or a class's
 * (`classroom`, objects or pods).
 */
function overQuota(
  key: ObjectKey,
  quota: string,
  name: string,
  requested: number,
  used: number,
  limited: number,
): StatusError {
  const [resource] = groupResource(key);
  return forbidden(
    `${key.resource} "${key.name}" is forbidden: exceeded quota: ${quota}, requested: ${name}=${requested}, used: ${name}=${used}, limited: ${name}=${limited}`,
    { name: key.name, kind: resource },
  );
}
