import type postgres from "postgres";
import { alreadyExists } from "../../kube/errors.ts";
import { clone, type KubeObject } from "../../kube/object.ts";
import type { ObjectKey, ObjectStore } from "../../kube/object-store.ts";
import type { ObjectFilter } from "../filters.ts";
import { enqueueFragment, type QueuedJob } from "../queue.ts";
import { type ChangeType, changesChannel } from "./changes.ts";
import { type HeldWrite, sendHeldWrites, takenKey } from "./held-writes.ts";
import { getObject, getObjects, listObjects, type ReadSource, storableText } from "./reads.ts";
import type { LoggedChange } from "./recent-changes.ts";
import { objectId, type Row, served, storable, storableJson } from "./rows.ts";
import {
  countPods,
  groupResource,
  lockSandbox,
  podChange,
  type SandboxLimits,
  SandboxUsage,
  type UsageChange,
} from "./sandbox-usage.ts";
import type { Sealing } from "./sealing.ts";

/** One write of a transaction: its type, where, and the object after it (before it, for DELETED). */
export interface Written extends ObjectKey {
  type: ChangeType;
  object: KubeObject;
  /**
   * The object as stored before an update (null for ADDED and DELETED), so trigger rules can
   * wake controllers only for the changes they care about. Stored form: a sealed kind's data
   * stays sealed.
   */
  previous: KubeObject | null;
}

/**
 * Which jobs a write calls for: the controllers' trigger rules, given by the entry point
 * (workers/controllers.ts). The store knows only that writes may call for jobs, not which.
 */
export type TriggerRules = (written: Written) => QueuedJob[];

/** How a writer's transaction runs. */
export interface WriterOptions {
  sealing: Sealing;
  /** The database's URL: what names it to this process's caches of its commits (RecentChanges). */
  url: string;
  triggers?: TriggerRules;
  /**
   * What the sandbox may hold (objects, bytes), past which a write that adds is refused with the
   * API server's quota error; none when absent (a new sandbox's bootstrap). A student's sandbox
   * may hold less, and fewer pods: the limits their instructor set, read with the lock.
   */
  limits?: SandboxLimits;
  /**
   * The transaction may create pods: the lock's read also counts the pods the sandbox holds when
   * a pod limit applies. Without it, the first pod create in such a sandbox counts them then.
   */
  countPods?: boolean;
  /**
   * Checks everything, stores nothing: creates look only whether their name is free, updates
   * and deletes are left out, and the transaction ends in ROLLBACK with nothing enqueued.
   */
  dryRun?: boolean;
}

/**
 * An update's stored JSON, and its previous state's, when the caller has made them already
 * (JSON.stringify(storable(…)) of each): a write's no-op check needs both, and the write then
 * serializes neither again. Only for a kind stored as it is (not sealed).
 */
export interface StoredTexts {
  body: string;
  previous: string;
}

/** Reads `SandboxWriter.prefetch` sends with the lock. */
export interface Prefetch {
  /** Objects the transaction will `get`. */
  objects?: ObjectKey[];
  /** Whole resources of a namespace it will `list`: one query for all of them. */
  lists?: { resource: string; namespace: string }[];
}

interface CachedList {
  /** How many writes the transaction had made when this was read. */
  writes: number;
  objects: Promise<KubeObject[]>;
}

/**
 * The writes of one transaction on one sandbox. Opening it locks the sandbox row, so writes to a
 * sandbox are serialized and commit in revision order, which is what lets a watch replay the
 * change log by revision without missing a write.
 *
 * Writes are held, and travel with the transaction's next statement: a read through the writer
 * (`get`, `list`, `sql`) sends them first, on the same connection, so the read sees them at no
 * cost of its own; otherwise they go with the COMMIT (`finish`). A controller's step that writes
 * a pod twice and records its events thus costs no round trip of its own. Only an update whose
 * previous state the caller does not have (or of a sealed kind, whose previous state must stay
 * sealed) is sent at once, to read that state back in the same statement.
 */
export class SandboxWriter implements ObjectStore {
  readonly sandboxId: string;
  /** The database's URL (WriterOptions.url). */
  readonly databaseUrl: string;
  readonly dryRun: boolean;
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
  private readonly tx: postgres.TransactionSql;
  private readonly sealing: Sealing;
  private readonly triggers: TriggerRules | undefined;
  /** Writes held for the next statement. */
  private held: HeldWrite[] = [];
  /** Every change this transaction sent to the log, in revision order (RecentChanges keeps them). */
  readonly logged: LoggedChange[] = [];
  /** Whether one of them is of a sealed kind, whose stored form only Postgres opens. */
  loggedSealed = false;
  /** Sent held writes whose answer nobody has awaited yet: `finish` does. */
  private unanswered: Promise<unknown>[] = [];
  /** The first failure of sent held writes (a taken name), which explains any later error. */
  private failure: unknown = null;
  private revision: number;
  private startRevision: number;
  /** What the sandbox holds, this transaction's writes included, against its limits. */
  private usage: SandboxUsage;
  /** The limits this writer checks writes against (see WriterOptions.limits). */
  readonly limits: WriterOptions["limits"];
  /** Reads sent with the lock (`sendEarly`), each taken once; the first write forgets them all. */
  private early = new Map<string, Promise<unknown>>();
  /** Whole namespace lists read in this transaction, until it writes that resource there. */
  private lists = new Map<string, CachedList>();
  /** Objects only looked at (peek), by objectId, until this transaction writes them. */
  private readonly peeked = new Map<string, Promise<KubeObject | null>>();

  private constructor(
    tx: postgres.TransactionSql,
    sandboxId: string,
    revision: number,
    options: WriterOptions,
  ) {
    this.tx = tx;
    this.sandboxId = sandboxId;
    this.databaseUrl = options.url;
    this.revision = revision;
    this.startRevision = revision;
    this.sealing = options.sealing;
    this.triggers = options.triggers;
    this.dryRun = !!options.dryRun;
    this.limits = options.limits;
    const none = { maxObjects: null, maxPods: null };
    this.usage = new SandboxUsage(options.limits, none, { objects: 0, bytes: 0, pods: null });
  }

  /**
   * The sandbox's revision when this transaction took its lock: every change up to it is
   * committed (writers commit in revision order under the lock), none after it but this
   * transaction's own.
   */
  get lockedRevision(): number {
    return this.startRevision;
  }

  /**
   * The writer of a sandbox this transaction has just inserted (at revision 0): nobody else can
   * see the row before commit, so there is nothing to lock or read.
   */
  static forNew(tx: postgres.TransactionSql, sandboxId: string, options: WriterOptions): SandboxWriter {
    return new SandboxWriter(tx, sandboxId, 0, options);
  }

  /**
   * Locks the sandbox for this transaction; null when it does not exist. `early` may send reads
   * the transaction will make (`prefetch`, or a reader's own `sendEarly`): they travel behind the
   * lock's SELECT, run once it is granted, and answer in the same round trip.
   */
  static async open(
    tx: postgres.TransactionSql,
    sandboxId: string,
    options: WriterOptions,
    early?: (w: SandboxWriter) => void,
  ): Promise<SandboxWriter | null> {
    const lock = lockSandbox(tx, sandboxId, !!options.countPods && !!options.limits);
    // The revision is known once the lock answers; nothing reads it before.
    const w = new SandboxWriter(tx, sandboxId, Number.NaN, options);
    early?.(w);
    const [row] = await lock;
    if (!row) return null;
    w.revision = w.startRevision = Number(row.revision);
    w.usage = new SandboxUsage(
      options.limits,
      { maxObjects: row.max_objects, maxPods: row.max_pods },
      { objects: row.object_count, bytes: Number(row.object_bytes), pods: row.pods },
    );
    return w;
  }

  /** Reads run on the transaction; held writes are sent first, so they see them. */
  private get source(): ReadSource {
    return { sql: this.sql, sealing: this.sealing };
  }

  /**
   * The transaction, for a read of the caller's own making (a query no method here covers): the
   * writes held are sent first, so the read sees them.
   */
  get sql(): postgres.TransactionSql {
    this.sendHeld();
    return this.tx;
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

  /**
   * Sends now (see `open`) the reads the transaction will make: objects, taken by their first
   * `get`, and whole resources of a namespace, by `list` (in one query for all).
   */
  prefetch(reads: Prefetch): void {
    const keys = reads.objects ?? [];
    if (keys.length === 1) {
      const [key] = keys as [ObjectKey];
      this.sendEarly(`object:${objectId(key)}`, getObject(this.source, this.sandboxId, key));
    } else if (keys.length > 1) {
      // Several objects (a batch's pods): one statement, each key's read taken from its answer.
      const found = getObjects(this.source, this.sandboxId, keys).then(
        (rows) => new Map(rows.map((r) => [objectId(r), r.object])),
      );
      found.catch(() => {});
      for (const key of keys)
        this.sendEarly(
          `object:${objectId(key)}`,
          found.then((m) => m.get(objectId(key)) ?? null),
        );
    }
    const lists = (reads.lists ?? []).filter((l) => !this.lists.has(`${l.resource}/${l.namespace}`));
    const byNamespace = new Map<string, string[]>();
    for (const l of lists)
      byNamespace.set(l.namespace, [...(byNamespace.get(l.namespace) ?? []), l.resource]);
    for (const [namespace, resources] of byNamespace) this.readLists(resources, namespace);
  }

  /** Reads an object (no row lock needed: every writer of the sandbox holds its lock). */
  async get(key: ObjectKey): Promise<KubeObject | null> {
    const early = this.takeEarly<KubeObject | null>(`object:${objectId(key)}`);
    if (early) return early;
    return getObject(this.source, this.sandboxId, key);
  }

  /**
   * An object the caller only looks at and never changes (a create's namespace, say): read once
   * in the transaction, until it writes that object. Many creates of one transaction (a burst's
   * pods) then cost one read, not one each.
   */
  peek(key: ObjectKey): Promise<KubeObject | null> {
    const id = objectId(key);
    let read = this.peeked.get(id);
    if (!read) {
      read = this.get(key);
      // Used or not, a failed read must not go unhandled; whoever uses it still sees the error.
      read.catch(() => {});
      this.peeked.set(id, read);
    }
    return read;
  }

  /**
   * Every object of a resource in a namespace (all namespaces when null), by namespace and name;
   * a namespace's list is read once and kept until this transaction writes that resource there.
   * Copies: a caller may change what it gets before it writes it.
   */
  async list(resource: string, namespace: string | null): Promise<KubeObject[]> {
    if (namespace === null) return this.listWhere(resource, null);
    const id = `${resource}/${namespace}`;
    const hit = this.lists.get(id);
    const fresh =
      hit &&
      !this.written.slice(hit.writes).some((x) => x.resource === resource && x.namespace === namespace);
    if (!fresh) this.readLists([resource], namespace);
    return clone(await (this.lists.get(id) as CachedList).objects);
  }

  /** The objects of a resource in a namespace (all when null) that a filter keeps, read now. */
  async listWhere(resource: string, namespace: string | null, filter?: ObjectFilter): Promise<KubeObject[]> {
    return (await listObjects(this.source, this.sandboxId, resource, namespace, filter))?.items ?? [];
  }

  /** Sends one read of several resources of a namespace, and keeps each one's answer. */
  private readLists(resources: string[], namespace: string): void {
    if (!storableText(namespace)) {
      // A namespace no row can be in (see storableText): empty, without asking.
      for (const r of resources)
        this.lists.set(`${r}/${namespace}`, { writes: this.written.length, objects: Promise.resolve([]) });
      return;
    }
    const sealed = resources.some((r) => this.sealing.isSealed(r));
    // One index range per resource, each a select of its own: written as resource = ANY (…),
    // the planner read every object of the namespace, its pods and events too; as a join with
    // unnest (…), it made a fresh plan on every call, costing four times the read itself.
    const sql = this.sql;
    const rows = sealed
      ? null
      : sql<(Row & { resource: string })[]>`
          ${resources.map(
            (r, i) => sql`${i ? sql`UNION ALL` : sql``}
              SELECT resource, resource_version, body, name FROM objects
              WHERE sandbox_id = ${this.sandboxId} AND resource = ${r} AND namespace = ${namespace}`,
          )}
          ORDER BY name`.execute();
    for (const r of resources) {
      const objects = rows
        ? rows.then((all) => all.filter((row) => row.resource === r).map(served))
        : this.listWhere(r, namespace);
      // Used or not, a failed read must not go unhandled; whoever uses it still sees the error.
      objects.catch(() => {});
      this.lists.set(`${r}/${namespace}`, { writes: this.written.length, objects });
    }
  }

  /**
   * Creates an object; it gets its resourceVersion. The insert is held (see the class): a name
   * already taken fails the transaction with the API server's AlreadyExists at its next read or
   * its commit. In a dry run, only whether the name is free is checked.
   */
  async create(key: ObjectKey, obj: KubeObject): Promise<void> {
    await this.countPodsFor(key);
    if (this.dryRun) {
      if (await this.get(key)) throw nameTaken(key);
      this.charge(key, { objects: 1, bytes: 0, pods: podChange(key.resource, obj, null) });
      return;
    }
    if (this.held.some((h) => objectId(h.key) === objectId(key) && h.type !== "DELETED"))
      throw nameTaken(key);
    const stored = storable(obj);
    const body = this.sealing.isSealed(key.resource)
      ? await this.sealing.seal(this.tx, this.sandboxId, key.resource, stored)
      : stored;
    this.hold(key, obj, "ADDED", null, body);
  }

  /**
   * Replaces an object read in this transaction; it gets its new resourceVersion. `previous`: the
   * object as the caller read it in this transaction, when it has it, which lets the write be
   * held; without it (or for a sealed kind) the write is sent now, reading it back.
   */
  async update(key: ObjectKey, obj: KubeObject, previous?: KubeObject, texts?: StoredTexts): Promise<void> {
    if (this.dryRun) return;
    const sealed = this.sealing.isSealed(key.resource);
    if (previous && !sealed) return this.hold(key, obj, "MODIFIED", storable(previous), undefined, texts);
    this.early.clear();
    this.peeked.delete(objectId(key));
    const sql = this.sql;
    const rev = this.revision + 1;
    const body = storableJson(
      JSON.stringify(await this.sealing.seal(sql, this.sandboxId, key.resource, storable(obj))),
    );
    const known = previous && !sealed ? storable(previous) : null;
    // Every part of one statement sees the same snapshot: `prev` is the row before the update.
    // The body is sent once and used twice.
    const [row] = await sql<{ previous: KubeObject | null }[]>`
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
    this.logChange(key, rev, "MODIFIED", body, sealed);
    // Past the byte limit, the error rolls the transaction (and this update) back.
    if (row?.previous)
      this.charge(key, {
        objects: 0,
        bytes: body.length - JSON.stringify(row.previous).length,
        pods: podChange(key.resource, obj, row.previous),
      });
    this.written.push({ ...key, type: "MODIFIED", object: obj, previous: known ?? row?.previous ?? null });
  }

  /** Removes an object read in this transaction; the change log keeps it, as the DELETED event shows it. */
  async delete(key: ObjectKey, last: KubeObject): Promise<void> {
    if (this.dryRun) return;
    const stored = storable(last);
    const body = this.sealing.isSealed(key.resource)
      ? await this.sealing.seal(this.tx, this.sandboxId, key.resource, stored)
      : stored;
    this.hold(key, last, "DELETED", null, body);
  }

  /** Holds a write for the next statement: its revision now, its body as it is now. */
  private hold(
    key: ObjectKey,
    obj: KubeObject,
    type: ChangeType,
    previous: KubeObject | null,
    /** The stored form, when it is not the object's own (a sealed kind's). */
    stored?: KubeObject,
    texts?: StoredTexts,
  ): void {
    const body = storableJson(texts?.body ?? JSON.stringify(stored ?? storable(obj)));
    // What the write adds to the sandbox: an object and its bytes, or the bytes it grows by.
    if (type === "ADDED")
      this.charge(key, { objects: 1, bytes: body.length, pods: podChange(key.resource, obj, null) });
    else if (type === "DELETED")
      this.charge(key, { objects: -1, bytes: -body.length, pods: podChange(key.resource, null, obj) });
    else if (previous)
      this.charge(key, {
        objects: 0,
        bytes: body.length - (texts?.previous ?? JSON.stringify(previous)).length,
        pods: podChange(key.resource, obj, previous),
      });
    this.early.clear();
    this.peeked.delete(objectId(key));
    const rev = ++this.revision;
    obj.metadata.resourceVersion = String(rev);
    this.held.push({ key, uid: obj.metadata.uid ?? null, rv: rev, type, body });
    this.logChange(key, rev, type, body, this.sealing.isSealed(key.resource));
    this.written.push({ ...key, type, object: obj, previous });
  }

  /** Notes a change as sent to the log: its stored JSON, the very text the change row gets. */
  private logChange(key: ObjectKey, revision: number, type: ChangeType, body: string, sealed: boolean): void {
    this.logged.push({
      revision,
      resource: key.resource,
      namespace: key.namespace,
      name: key.name,
      type,
      body,
    });
    if (sealed) this.loggedSealed = true;
  }

  /** The revision this transaction's commit leaves the sandbox at. */
  get endRevision(): number {
    return this.revision;
  }

  /** Counts a write against the sandbox's limits (SandboxUsage): past one, it is refused. */
  private charge(key: ObjectKey, change: UsageChange): void {
    this.usage.charge(key, change, this.dryRun);
  }

  /**
   * The pods the sandbox holds, counted now if a pod limit applies and the lock's read did not
   * count them (a transaction that did not say it may create pods: see WriterOptions.countPods).
   */
  private async countPodsFor(key: ObjectKey): Promise<void> {
    if (key.resource !== "pods" || !this.usage.limitsPods || this.usage.pods !== null) return;
    this.usage.pods = await countPods(this.sql, this.sandboxId);
  }

  /**
   * Refuses a create when the sandbox has no room for one more object (or pod): called before
   * admission, so that nothing is charged (a ResourceQuota's usage) for an object that will not
   * be stored.
   */
  async assertRoomFor(key: ObjectKey, obj: KubeObject): Promise<void> {
    await this.countPodsFor(key);
    this.usage.check(key, { objects: 1, pods: podChange(key.resource, obj, null) });
  }

  /**
   * Whether one more object of about `bytes` fits the sandbox's limits: an event recorder drops
   * events past them, as the API server's recorder drops those a quota refuses.
   */
  hasRoom(bytes = 4096): boolean {
    return this.usage.hasRoom(bytes);
  }

  /**
   * Sends the held writes, without waiting for their answer: statements on one connection run
   * in order, so whatever is sent next sees them. A taken name is answered as AlreadyExists.
   */
  private sendHeld(): void {
    if (!this.held.length) return;
    const writes = this.held;
    this.held = [];
    const sent = sendHeldWrites(this.tx, this.sandboxId, writes).catch((err: unknown) => {
      const taken = takenKey(err, writes);
      const failure = taken ? nameTaken(taken) : err;
      this.failure ??= failure;
      throw failure;
    });
    sent.catch(() => {});
    this.unanswered.push(sent);
  }

  /**
   * What explains a failure of this transaction: the failure of held writes sent earlier (a
   * taken name), which makes every later statement fail with "transaction aborted".
   */
  explain(err: unknown): unknown {
    return this.failure ?? err;
  }

  /** Asks for a job, enqueued in this transaction before it commits. */
  enqueue(job: QueuedJob): void {
    const id = `${job.task}:${job.key}`;
    this.jobs.delete(id);
    this.jobs.set(id, job);
  }

  /**
   * Takes back a job: one asked for in this transaction, and one already queued (a delayed check
   * that is no longer needed), so an idle sandbox keeps no job behind.
   */
  async cancel(job: Pick<QueuedJob, "task" | "key">): Promise<void> {
    this.jobs.delete(`${job.task}:${job.key}`);
    await this.sql`SELECT graphile_worker.remove_job(${`${this.sandboxId}:${job.task}:${job.key}`})`;
  }

  /**
   * The jobs to enqueue: the ones every write calls for (its trigger rules), once per task and
   * key (a burst of writes to one object becomes one job), and those asked for explicitly. A
   * job the transaction asked for wins over one its own writes trigger: the controller that wrote
   * them has already acted on them and knows when it wants to look next; and a job it does the
   * work of itself (`handled`) is not triggered at all.
   */
  private jobsToEnqueue(): QueuedJob[] {
    const jobs = new Map<string, QueuedJob>();
    if (this.triggers)
      for (const written of this.written)
        for (const job of this.triggers(written))
          if (!this.handled.has(`${job.task}:${job.key}`)) jobs.set(`${job.task}:${job.key}`, job);
    for (const [id, job] of this.jobs) {
      jobs.delete(id);
      jobs.set(id, job);
    }
    return [...jobs.values()];
  }

  /**
   * Sends the transaction's last statements in one round trip: the held writes, then one
   * statement that records the new revision, notifies watchers (delivered at commit) and
   * enqueues the jobs its writes call for, then `last` (the COMMIT, or a read the caller wants
   * back), whose rows it returns. None waits for the one before: should one fail, Postgres
   * refuses the rest of the transaction (and answers a COMMIT with a rollback), so nothing of it
   * lands. A dry run sends ROLLBACK instead, and nothing else. Call once, last.
   */
  async finish<T extends postgres.Row[] = postgres.Row[]>(
    last?: () => postgres.PendingQuery<T>,
  ): Promise<T | undefined> {
    if (this.dryRun) {
      await Promise.all([this.tx`ROLLBACK`.execute(), ...this.unanswered]);
      return undefined;
    }
    this.sendHeld();
    const statements: Promise<unknown>[] = [...this.unanswered];
    const jobs = this.jobsToEnqueue();
    if (this.revision !== this.startRevision) {
      const notify = `${this.sandboxId}:${this.revision}`;
      // Absolute values: the lock held since they were read makes them exact.
      const usage = this.usage.changed
        ? this.tx`, object_count = ${this.usage.objects}, object_bytes = ${this.usage.bytes}`
        : this.tx``;
      statements.push(
        this.tx`
        WITH s AS (UPDATE sandboxes SET revision = ${this.revision} ${usage} WHERE id = ${this.sandboxId})
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

/** The API server's AlreadyExists for a storage key ("deployments.apps" is group apps, resource deployments). */
function nameTaken(key: ObjectKey): Error {
  const [resource, group] = groupResource(key);
  return alreadyExists(group, resource, key.name);
}
