import type postgres from "postgres";
import type { KubeObject } from "../kube/object.ts";
import { isSealed, openBody, sealBody } from "./body-sealing.ts";
import type { Queryable, Sql } from "./connection.ts";
import { filterCondition, noFilter, type ObjectFilter } from "./filters.ts";
import { enqueueFragment, type QueuedJob } from "./queue.ts";

/** Where an object lives: its sandbox, storage resource ("pods", "deployments.apps"), namespace ('' if none), name. */
export interface ObjectKey {
  resource: string;
  namespace: string;
  name: string;
}

/** A change-log event type, as watch events name them. */
export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** The channel every commit notifies with "<sandbox>:<revision>"; watches listen on it. */
export const changesChannel = "kubesandbox_changes";

type Row = { resource_version: string | number; body: KubeObject };

/**
 * An object as served: the stored body with its resourceVersion filled in, and its top-level
 * fields back in the API's order (jsonb keeps keys sorted its own way).
 */
export function served(row: Row): KubeObject {
  const { apiVersion, kind, metadata, spec, status, ...rest } = row.body;
  return {
    apiVersion,
    kind,
    metadata: { ...metadata, resourceVersion: String(row.resource_version) },
    ...(spec === undefined ? {} : { spec }),
    ...(status === undefined ? {} : { status }),
    ...rest,
  };
}

/** A stored row as served, its body opened first (Secrets are stored encrypted: db/body-sealing.ts). */
async function servedOpen(
  sql: Queryable,
  sandboxId: string,
  resource: string,
  row: Row,
): Promise<KubeObject> {
  return served({ ...row, body: await openBody(sql, sandboxId, resource, row.body) });
}

/** The stored form: the object less its resourceVersion, which the row's column carries. */
function storable(obj: KubeObject): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Reads one object, or null. */
export async function getObject(sql: Queryable, sandboxId: string, key: ObjectKey) {
  const [row] = await sql<Row[]>`
    SELECT resource_version, body FROM objects
    WHERE sandbox_id = ${sandboxId} AND resource = ${key.resource}
      AND namespace = ${key.namespace} AND name = ${key.name}`;
  return row ? servedOpen(sql, sandboxId, key.resource, row) : null;
}

/** A list's items, the sandbox revision they were read at, and where the next page starts. */
export interface ListResult {
  items: KubeObject[];
  revision: number;
  /** The key of the last item when more items follow (a page was cut at the limit). */
  next: { namespace: string; name: string } | null;
}

/** An object key as one string. */
const objectId = (k: ObjectKey) => `${k.resource}/${k.namespace}/${k.name}`;

/** A page of a list: at most `limit` items after the key `after` (namespace, name order). */
export interface Page {
  limit?: number;
  after?: { namespace: string; name: string };
}

/**
 * Lists the objects of one resource in a sandbox, in one namespace or all, ordered by namespace
 * and name, filtered in SQL, one page at a time when a limit is given. Returns null when the
 * sandbox does not exist.
 */
export async function listObjects(
  sql: Queryable,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  filter: ObjectFilter = noFilter,
  page: Page = {},
): Promise<ListResult | null> {
  const after = page.after
    ? sql`AND (o.namespace, o.name) > (${page.after.namespace}, ${page.after.name})`
    : sql``;
  const limit = page.limit ? sql`LIMIT ${page.limit + 1}` : sql``;
  const rows = await sql<(Row & { revision: string; namespace: string; name: string })[]>`
    SELECT s.revision, o.resource_version, o.body, o.namespace, o.name
    FROM sandboxes s
    LEFT JOIN objects o ON o.sandbox_id = s.id AND o.resource = ${resource}
      AND (${namespace}::text IS NULL OR o.namespace = ${namespace})
      AND ${filterCondition(sql, filter)} ${after}
    WHERE s.id = ${sandboxId}
    ORDER BY o.namespace, o.name ${limit}`;
  const first = rows[0];
  if (!first) return null;
  const found = rows.filter((r) => r.body !== null);
  const more = page.limit !== undefined && found.length > page.limit;
  const kept = more ? found.slice(0, page.limit) : found;
  const last = kept[kept.length - 1];
  return {
    items: isSealed(resource)
      ? await Promise.all(kept.map((r) => servedOpen(sql, sandboxId, resource, r)))
      : kept.map(served),
    revision: Number(first.revision),
    next: more && last ? { namespace: last.namespace, name: last.name } : null,
  };
}

/** The sandbox's current revision, or null when it does not exist. */
export async function currentRevision(sql: Sql, sandboxId: string): Promise<number | null> {
  const [row] = await sql<{ revision: string }[]>`SELECT revision FROM sandboxes WHERE id = ${sandboxId}`;
  return row ? Number(row.revision) : null;
}

/**
 * Whether a write failed because its object's name is taken (a unique violation on the objects
 * table): how a held create (`createAll`) that met an existing object shows at commit.
 */
export function isNameTaken(err: unknown): boolean {
  const e = err as { code?: string; table_name?: string } | null;
  return e?.code === "23505" && e.table_name === "objects";
}

/** One write of a transaction: its type, where, and the object after it (before it, for DELETED). */
export interface Written extends ObjectKey {
  type: ChangeType;
  object: KubeObject;
  /**
   * The object as stored before an update (null for ADDED and DELETED), read by the same
   * statement, so trigger rules can wake controllers only for the changes they care about.
   * Stored form: a sealed kind's data stays sealed.
   */
  previous: KubeObject | null;
}

/**
 * The writes of one transaction on one sandbox. Opening it locks the sandbox row, so writes to a
 * sandbox are serialized and commit in revision order, which is what lets a watch replay the
 * change log by revision without missing a write. Every write is one statement that changes the
 * object and appends the change log together.
 */
export class SandboxWriter {
  readonly tx: postgres.TransactionSql;
  readonly sandboxId: string;
  /** What this transaction wrote, in order: the controllers to wake are derived from it. */
  readonly written: Written[] = [];
  /**
   * Jobs asked for explicitly (a delayed next step, a retry), enqueued with the triggered ones
   * in one statement before commit; a later job with the same task and key replaces an earlier
   * one, and wins over a triggered one.
   */
  readonly jobs = new Map<string, QueuedJob>();
  /**
   * Jobs ("task:key") this transaction's own code does the work of, so its writes need not
   * trigger them (the scheduler that takes a pod on for its kubelet and starts it itself).
   */
  readonly handled = new Set<string>();
  /** Open `batch` calls: while any is, creates and updates are held and sent together. */
  private holding = 0;
  /** Writes held by `batch`: their change rows and bodies (serialized when made). */
  private held: { key: ObjectKey; uid: string | null; rv: number; type: ChangeType; body: string }[] = [];
  private revision: number;
  private startRevision: number;
  /** Reads sent with the lock (`sendEarly`), each taken once; the first write forgets them all. */
  private early = new Map<string, Promise<unknown>>();

  /**
   * The sandbox's revision when this transaction took its lock: every change up to it is
   * committed (writers commit in revision order under the lock), none after it but this
   * transaction's own.
   */
  get lockedRevision(): number {
    return this.startRevision;
  }

  private constructor(tx: postgres.TransactionSql, sandboxId: string, revision: number) {
    this.tx = tx;
    this.sandboxId = sandboxId;
    this.revision = revision;
    this.startRevision = revision;
  }

  /**
   * The writer of a sandbox this transaction has just inserted (at revision 0): nobody else can
   * see the row before commit, so there is nothing to lock or read.
   */
  static forNew(tx: postgres.TransactionSql, sandboxId: string): SandboxWriter {
    return new SandboxWriter(tx, sandboxId, 0);
  }

  /**
   * Locks the sandbox for this transaction; null when it does not exist. `early` may send reads
   * the transaction will make (`prefetch`, or a reader's own): they travel behind the lock's
   * SELECT, run once it is granted, and answer in the same round trip.
   */
  static async open(
    tx: postgres.TransactionSql,
    sandboxId: string,
    early?: (w: SandboxWriter) => void,
  ): Promise<SandboxWriter | null> {
    const lock = tx<{ revision: string }[]>`
      SELECT revision FROM sandboxes WHERE id = ${sandboxId} FOR UPDATE`.execute();
    // The revision is known once the lock answers; nothing reads it before.
    const w = new SandboxWriter(tx, sandboxId, Number.NaN);
    early?.(w);
    const [row] = await lock;
    if (!row) return null;
    w.revision = w.startRevision = Number(row.revision);
    return w;
  }

  /**
   * Keeps a read sent now, before the transaction needs it (see `open`), for the first
   * `takeEarly` of its `id` — if nothing is written in between: a write forgets every early
   * read, as what it read may no longer hold.
   */
  sendEarly(id: string, read: Promise<unknown>): void {
    // Taken or not, a failed read must not go unhandled; whoever takes it still sees the error.
    read.catch(() => {});
    this.early.set(id, read);
  }

  /** The read sent early as `id`, once; undefined when none was, or a write came since. */
  takeEarly<T>(id: string): Promise<T> | undefined {
    const read = this.early.get(id) as Promise<T> | undefined;
    this.early.delete(id);
    return read;
  }

  /** Sends the read of an object now (see `open`); the first `get` of it takes the answer. */
  prefetch(key: ObjectKey): void {
    this.sendEarly(`object:${objectId(key)}`, getObject(this.tx, this.sandboxId, key));
  }

  /**
   * Reads an object. No row lock is needed: every writer of the sandbox holds its lock, so what
   * this reads stays current until commit.
   */
  async get(key: ObjectKey): Promise<KubeObject | null> {
    const early = this.takeEarly<KubeObject | null>(`object:${objectId(key)}`);
    if (early) return early;
    await this.flush();
    return getObject(this.tx, this.sandboxId, key);
  }

  /**
   * Runs `fn` with this transaction's creates (`createAll`) and updates that name their previous
   * state held, and sends them in one statement when it is done: a controller's step that writes
   * a pod twice and records its events costs one round trip, not five. `get`, `create` and
   * `delete` send what is held first; raw queries (`w.tx`) do not, so `fn` must not read
   * through them what it wrote. A sealed kind's update is never held (its previous state must
   * stay sealed). `untilCommit`: the writes stay held after `fn`, to travel with the
   * transaction's last statements (`finish`) — for a step after which the transaction reads
   * nothing it wrote through raw queries.
   */
  async batch<T>(fn: () => Promise<T>, options: { untilCommit?: boolean } = {}): Promise<T> {
    this.holding++;
    let value: T;
    try {
      value = await fn();
    } finally {
      this.holding--;
    }
    if (!this.holding && !options.untilCommit) await this.flush();
    return value;
  }

  /**
   * Sends the held writes in one statement: a change-log row each, and per object the last
   * state — inserted when its first held write created it, else updated.
   */
  async flush(): Promise<void> {
    await this.flushStatement();
  }

  /** The statement that sends the held writes, sent now; null when nothing is held. */
  private flushStatement(): postgres.PendingQuery<postgres.Row[]> | null {
    if (!this.held.length) return null;
    const writes = this.held;
    this.held = [];
    const last = new Map<string, number>();
    const first = new Map<string, ChangeType>();
    writes.forEach((h, i) => {
      last.set(objectId(h.key), i);
      if (!first.has(objectId(h.key))) first.set(objectId(h.key), h.type);
    });
    // Bodies are spliced in as they were serialized when written (a caller may change its copy since).
    const rows = writes.map((h, i) => {
      const op =
        last.get(objectId(h.key)) === i
          ? first.get(objectId(h.key)) === "ADDED"
            ? "insert"
            : "update"
          : null;
      const meta = { ...h.key, uid: h.uid, rv: h.rv, type: h.type, op };
      return `${JSON.stringify(meta).slice(0, -1)},"body":${h.body}}`;
    });
    return this.tx`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${`[${rows.join(",")}]`}::jsonb)
          AS r(resource text, namespace text, name text, uid uuid, rv bigint, type text, op text, body jsonb)
      ), inserted AS (
        INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
        SELECT ${this.sandboxId}, resource, namespace, name, uid, rv, body FROM input WHERE op = 'insert'
      ), updated AS (
        UPDATE objects o SET body = i.body, resource_version = i.rv FROM input i
        WHERE i.op = 'update' AND o.sandbox_id = ${this.sandboxId} AND o.resource = i.resource
          AND o.namespace = i.namespace AND o.name = i.name
      )
      INSERT INTO changes (sandbox_id, revision, resource, namespace, name, type, object)
      SELECT ${this.sandboxId}, rv, resource, namespace, name, type, body FROM input`.execute();
  }

  /** Inserts a new object; false when the name is taken. The object gets its resourceVersion. */
  async create(key: ObjectKey, obj: KubeObject): Promise<boolean> {
    this.early.clear();
    await this.flush();
    const rev = this.revision + 1;
    const body = await sealBody(this.tx, this.sandboxId, key.resource, storable(obj));
    const [row] = await this.tx`
      WITH ins AS (
        INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
        VALUES (${this.sandboxId}, ${key.resource}, ${key.namespace}, ${key.name},
                ${obj.metadata.uid ?? null}, ${rev}, ${JSON.stringify(body)}::jsonb)
        ON CONFLICT DO NOTHING
        RETURNING body
      )
      INSERT INTO changes (sandbox_id, revision, resource, namespace, name, type, object)
      SELECT ${this.sandboxId}, ${rev}, ${key.resource}, ${key.namespace}, ${key.name}, 'ADDED', ins.body
      FROM ins
      RETURNING 1`;
    if (!row) return false;
    this.revision = rev;
    obj.metadata.resourceVersion = String(rev);
    this.written.push({ ...key, type: "ADDED", object: obj, previous: null });
    return true;
  }

  /**
   * Inserts new objects whose names are known to be free (generated ones, like events'), all in
   * one statement; a taken name fails the transaction. Each gets its resourceVersion.
   */
  async createAll(items: { key: ObjectKey; obj: KubeObject }[]): Promise<void> {
    if (!items.length) return;
    // Sealed kinds are sealed first; then the writes are held like a batch's, and sent now
    // unless a batch is open.
    const bodies = await Promise.all(
      items.map(({ key, obj }) => sealBody(this.tx, this.sandboxId, key.resource, storable(obj))),
    );
    items.forEach(({ key, obj }, i) => {
      this.hold(key, obj, "ADDED", null, bodies[i]);
    });
    if (!this.holding) await this.flush();
  }

  /**
   * Replaces an object read in this transaction. The object gets its new resourceVersion.
   * `previous`: the object as the caller read it in this transaction, when it has it, which
   * spares reading it back (a sealed kind's is read back all the same: it is kept sealed).
   */
  async update(key: ObjectKey, obj: KubeObject, previous?: KubeObject): Promise<void> {
    this.early.clear();
    if (this.holding && previous && !isSealed(key.resource))
      return this.hold(key, obj, "MODIFIED", storable(previous));
    await this.flush();
    const rev = this.revision + 1;
    const body = JSON.stringify(await sealBody(this.tx, this.sandboxId, key.resource, storable(obj)));
    const known = previous && !isSealed(key.resource) ? storable(previous) : null;
    // Every part of one statement sees the same snapshot: `prev` is the row before the update.
    // The body is sent once and used twice.
    const [row] = await this.tx<{ previous: KubeObject | null }[]>`
      WITH b AS (SELECT ${body}::jsonb AS body), prev AS (
        SELECT body FROM objects
        WHERE ${known === null} AND sandbox_id = ${this.sandboxId} AND resource = ${key.resource}
          AND namespace = ${key.namespace} AND name = ${key.name}
      ), upd AS (
        UPDATE objects SET body = (SELECT body FROM b), resource_version = ${rev}
        WHERE sandbox_id = ${this.sandboxId} AND resource = ${key.resource}
          AND namespace = ${key.namespace} AND name = ${key.name}
        RETURNING 1
      ), ins AS (
        INSERT INTO changes (sandbox_id, revision, resource, namespace, name, type, object)
        SELECT ${this.sandboxId}, ${rev}, ${key.resource}, ${key.namespace}, ${key.name}, 'MODIFIED', b.body
        FROM upd, b
      )
      SELECT (SELECT body FROM prev) AS previous`;
    this.revision = rev;
    obj.metadata.resourceVersion = String(rev);
    this.written.push({ ...key, type: "MODIFIED", object: obj, previous: known ?? row?.previous ?? null });
  }

  /** Removes an object; the change log keeps it, as the DELETED event shows it. */
  async delete(key: ObjectKey, last: KubeObject): Promise<void> {
    this.early.clear();
    await this.flush();
    const rev = this.revision + 1;
    const body = await sealBody(this.tx, this.sandboxId, key.resource, storable(last));
    await this.tx`
      WITH del AS (
        DELETE FROM objects
        WHERE sandbox_id = ${this.sandboxId} AND resource = ${key.resource}
          AND namespace = ${key.namespace} AND name = ${key.name}
        RETURNING 1
      )
      INSERT INTO changes (sandbox_id, revision, resource, namespace, name, type, object)
      SELECT ${this.sandboxId}, ${rev}, ${key.resource}, ${key.namespace}, ${key.name}, 'DELETED',
             ${JSON.stringify(body)}::jsonb
      FROM del`;
    this.revision = rev;
    last.metadata.resourceVersion = String(rev);
    this.written.push({ ...key, type: "DELETED", object: last, previous: null });
  }

  /** Holds a write for `flush`: its revision now, its body as it is now. */
  private hold(
    key: ObjectKey,
    obj: KubeObject,
    type: ChangeType,
    previous: KubeObject | null,
    /** The stored form, when it is not the object's own (a sealed kind's). */
    stored?: KubeObject,
  ): void {
    this.early.clear();
    const rev = ++this.revision;
    obj.metadata.resourceVersion = String(rev);
    this.held.push({
      key,
      uid: obj.metadata.uid ?? null,
      rv: rev,
      type,
      body: JSON.stringify(stored ?? storable(obj)),
    });
    this.written.push({ ...key, type, object: obj, previous });
  }

  /** Asks for a job, enqueued in this transaction before it commits. */
  enqueue(job: QueuedJob): void {
    const id = `${job.task}:${job.key}`;
    this.jobs.delete(id);
    this.jobs.set(id, job);
  }

  /**
   * Sends the transaction's last statements in one round trip: the held writes, then one
   * statement that records the new revision, notifies watchers (delivered at commit) and
   * enqueues the jobs asked for, then `last` (the COMMIT, or a read the caller wants back),
   * whose rows it returns. None waits for the one before: should one fail, Postgres refuses
   * the rest of the transaction (and answers a COMMIT with a rollback), so nothing of it lands.
   * Call once, last.
   */
  async finish<T extends postgres.Row[] = postgres.Row[]>(
    last?: () => postgres.PendingQuery<T>,
  ): Promise<T | undefined> {
    const statements: Promise<unknown>[] = [];
    const held = this.flushStatement();
    if (held) statements.push(held);
    const jobs = [...this.jobs.values()];
    if (this.revision !== this.startRevision) {
      const notify = `${this.sandboxId}:${this.revision}`;
      statements.push(
        this.tx`
        WITH s AS (UPDATE sandboxes SET revision = ${this.revision} WHERE id = ${this.sandboxId})
        SELECT pg_notify(${changesChannel}, ${notify})
          ${jobs.length ? this.tx`, ${enqueueFragment(this.tx, this.sandboxId, jobs)}` : this.tx``}`.execute(),
      );
    } else if (jobs.length)
      statements.push(this.tx`SELECT ${enqueueFragment(this.tx, this.sandboxId, jobs)}`.execute());
    const tail = last?.().execute();
    const [answer] = await Promise.all([tail, ...statements]);
    return answer;
  }
}

/**
 * Runs `fn` in a transaction on a connection of its own. sql.begin waits for BEGIN's answer
 * before sending anything else; here BEGIN travels with `fn`'s first statements, one round trip
 * less. `fn` ends the transaction by sending `commit()` with its last statements
 * (SandboxWriter.finish), or returns having sent ROLLBACK; should it fail, the transaction is
 * rolled back.
 */
export async function pipelinedTransaction<T>(
  sql: Sql,
  fn: (tx: postgres.TransactionSql, commit: () => postgres.PendingQuery<postgres.Row[]>) => Promise<T>,
): Promise<T> {
  const conn = await sql.reserve();
  try {
    const begun = conn`BEGIN`.execute();
    // Answered before what follows it; a failure shows in those statements too.
    begun.catch(() => {});
    const value = await fn(conn as unknown as postgres.TransactionSql, () => conn`COMMIT`);
    await begun;
    return value;
  } catch (err) {
    await conn`ROLLBACK`.catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

/**
 * Runs `fn` in one transaction holding the sandbox's write lock, then records the revision.
 * Returns null (and runs nothing) when the sandbox does not exist.
 */
export function writeSandbox<T>(
  sql: Sql,
  sandboxId: string,
  fn: (w: SandboxWriter) => Promise<T>,
  /** Reads to send with the lock: see SandboxWriter.open. */
  early?: (w: SandboxWriter) => void,
): Promise<{ value: T } | null> {
  return pipelinedTransaction(sql, async (tx, commit) => {
    const w = await SandboxWriter.open(tx, sandboxId, early);
    if (!w) {
      await tx`ROLLBACK`;
      return null;
    }
    const value = await fn(w);
    await w.finish(commit);
    return { value };
  });
}

/** One change-log row, as a watch replays it. */
export interface Change {
  revision: number;
  resource: string;
  namespace: string;
  name: string;
  type: ChangeType;
  object: KubeObject;
}

/** A stretch of the change log, and the revision below which the log was compacted away. */
export interface ChangeBatch {
  changes: Change[];
  /** Changes up to this revision are gone; a watch from before it must start over (410). */
  compacted: number;
}

/**
 * Changes after `after` for one resource (one namespace or all), in revision order, with the
 * sandbox's compaction mark, in one statement. Null when the sandbox no longer exists.
 */
export async function changesAfter(
  sql: Sql,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  after: number,
  limit = 500,
): Promise<ChangeBatch | null> {
  const rows = await sql<
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
      WHERE sandbox_id = s.id AND revision > ${after} AND resource = ${resource}
        AND (${namespace}::text IS NULL OR namespace = ${namespace})
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
        const object = await servedOpen(sql, sandboxId, r.resource, row);
        return { revision, resource: r.resource, namespace: r.namespace, name: r.name, type: r.type, object };
      }),
  );
  return { changes, compacted: Number(first.compacted_revision) };
}
