import type { KubeObject } from "../../kube/object.ts";
import type { ChangeBatch, ChangeType } from "./change-types.ts";
import { type ReadSource, servedOpen, storableText } from "./reads.ts";
import { recentChanges } from "./recent-changes.ts";

export type { Change, ChangeBatch, ChangeType } from "./change-types.ts";

/** The channel every commit notifies with "<sandbox>:<revision>"; watches listen on it. */
export const changesChannel = "kubesandbox_changes";

/**
 * Changes after `after` for one resource (one namespace or all; every resource when null), in
 * revision order, with the sandbox's compaction mark, in one statement. Null when the sandbox no
 * longer exists.
 */
export async function changesAfter(
  source: ReadSource,
  sandboxId: string,
  resource: string | null,
  namespace: string | null,
  after: number,
  limit = 500,
): Promise<ChangeBatch | null> {
  const rows = await source.sql<
    {
      compacted_revision: string;
      revision: string | null;
      resource: string;
      namespace: string;
      name: string;
      type: ChangeType;
      object: KubeObject;
    }[]
  >`
    SELECT s.compacted_revision, c.revision, c.resource, c.namespace, c.name, c.type, c.object
    FROM sandboxes s
    LEFT JOIN LATERAL (
      SELECT revision, resource, namespace, name, type, object FROM changes
      WHERE sandbox_id = s.id AND revision > ${after}
        AND (${resource}::text IS NULL OR resource = ${resource})
        AND ${
          namespace === null || storableText(namespace)
            ? source.sql`(${namespace}::text IS NULL OR namespace = ${namespace})`
            : source.sql`false`
        }
      ORDER BY revision LIMIT ${limit}
    ) c ON true
    WHERE s.id = ${sandboxId}`;
  const first = rows[0];
  if (!first) return null;
  const changes = await Promise.all(
    rows
      .filter((r) => r.revision !== null)
      .map(async (r) => {
        const revision = Number(r.revision);
        const row = { resource_version: revision, body: r.object };
        const object = await servedOpen(source, sandboxId, r.resource, row);
        return { revision, resource: r.resource, namespace: r.namespace, name: r.name, type: r.type, object };
      }),
  );
  return { changes, compacted: Number(first.compacted_revision) };
}

/** Reads of the change log in flight in this process, by what they ask: concurrent identical reads share one. */
const inFlight = new Map<string, Promise<ChangeBatch | null>>();

/**
 * changesAfter, shared: readers that a commit wakes together holding the same revision (the
 * watches of one resource that keep up, a class's overview, a hundred browser tabs subscribed to
 * a sandbox) make one query between them, not one each. Each filters what it gets in memory: the
 * batch's objects are shared, and nobody may change them. `upTo`: the revision a notice said the
 * sandbox reached; when this process committed every change up to it, they are taken from what it
 * keeps (db/store/recent-changes.ts), with no query at all.
 */
export async function sharedChangesAfter(
  source: ReadSource & { listens?: boolean; url?: string },
  sandboxId: string,
  resource: string | null,
  namespace: string | null,
  after: number,
  upTo: number | null = null,
): Promise<ChangeBatch | null> {
  if (upTo !== null && source.url !== undefined) {
    const changes = await recentChanges(source.url).after(
      sandboxId,
      after,
      upTo,
      (c) =>
        (resource === null || c.resource === resource) && (namespace === null || c.namespace === namespace),
    );
    // Kept changes are this process's last moments: nothing compacted them yet.
    if (changes) return { changes, compacted: 0 };
  }
  // A handle that cannot listen has a connection per request (workerd): one request may not wait
  // on another's query there, so each reads alone.
  if (source.listens === false) return changesAfter(source, sandboxId, resource, namespace, after);
  const key = `${sandboxId}\n${resource ?? "\0"}\n${namespace ?? "\0"}\n${after}`;
  let read = inFlight.get(key);
  if (!read) {
    read = changesAfter(source, sandboxId, resource, namespace, after).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
  }
  return read;
}

/**
 * What a reader of the change log was told of what it has not read: the newest revision a
 * notice named (the change feed says which revision each commit reached), or that it must look
 * (its first read, or a wake that named none: a polling feed's).
 */
export class Notices {
  private newest = -1;
  private look = true;

  /** A wake, with the revision its commit reached when the feed names one. */
  note(revision?: number): void {
    if (revision === undefined) this.look = true;
    else if (revision > this.newest) this.newest = revision;
  }

  /**
   * What a read after `after` is to reach: false when no notice names anything newer (nothing
   * to read), null when the log must be read as it is, else the revision a notice named.
   */
  next(after: number): number | null | false {
    if (this.look) {
      this.look = false;
      return null;
    }
    return this.newest > after ? this.newest : false;
  }
}
