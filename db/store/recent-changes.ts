import type { Change, ChangeType } from "./change-types.ts";
import { served } from "./rows.ts";

/** One change as a writer sent it to the log: its revision, where, and the stored body's JSON. */
export interface LoggedChange {
  revision: number;
  resource: string;
  namespace: string;
  name: string;
  type: ChangeType;
  body: string;
}

/** Which changes a reader wants, by where they are: only those are read into objects. */
export type Wanted = (change: { resource: string; namespace: string }) => boolean;

/** A committed transaction's changes: revisions `from + 1` to `to`, every one of them. */
interface Commit {
  from: number;
  to: number;
  changes: LoggedChange[];
  at: number;
}

/** What this process committed to one sandbox lately, without a gap. */
interface SandboxLog {
  /** Every change after `base` up to `end` is in `commits`. */
  base: number;
  end: number;
  commits: Commit[];
  size: number;
  /** Commits sent and not yet answered: a notice may name one before its answer arrives here. */
  pending: Set<Promise<void>>;
}

/**
 * How long a commit stays: a watcher woken by it reads it within milliseconds, the scheduler at
 * its next pod of the sandbox; one further behind reads the log in Postgres. Short, as what is
 * kept past a scavenge or two is promoted to V8's old space, which costs a major GC to free.
 */
const keepMs = 250;
/** Changes kept per sandbox, and in all: bounds the memory of a burst. */
const maxPerSandbox = 256;
const maxInAll = 4096;

/**
 * The objects changes' JSON was read into, for the readers one notice wakes together (every
 * watch of a sandbox reads in the same turn of the event loop): shared, so nobody may change
 * them, and let go after that turn, so what a commit keeps for a later reader is only its text.
 */
let parsed = new Map<LoggedChange, Change>();
let releasing = false;

function changeOf(c: LoggedChange): Change {
  let change = parsed.get(c);
  if (!change) {
    const object = served({ resource_version: c.revision, body: JSON.parse(c.body) });
    change = {
      revision: c.revision,
      resource: c.resource,
      namespace: c.namespace,
      name: c.name,
      type: c.type,
      object,
    };
    parsed.set(c, change);
    if (!releasing) {
      releasing = true;
      setImmediate(() => {
        releasing = false;
        parsed = new Map();
      });
    }
  }
  return change;
}

/**
 * The changes this process committed lately, per sandbox, as the writer sent them: a watcher of
 * the process woken by a commit (kubectl's watches, GraphQL subscriptions, the scheduler's
 * snapshot) reads them here instead of from the change log in Postgres, which costs a query, a
 * round trip and the parse of every object it returns. Exact: a sandbox's commits are kept only
 * as a chain without a gap (each taking on at the revision the one before ended), a reader is
 * answered only when the chain holds everything from its revision to the one it was told of, and
 * everything else reads the log. A commit of a sealed kind (a Secret) breaks the chain: its
 * stored form is read, and opened, from Postgres.
 */
export class RecentChanges {
  private readonly logs = new Map<string, SandboxLog>();
  private count = 0;

  private logOf(sandboxId: string): SandboxLog {
    let log = this.logs.get(sandboxId);
    if (!log) {
      log = { base: -1, end: -1, commits: [], size: 0, pending: new Set() };
      this.logs.set(sandboxId, log);
    }
    return log;
  }

  /**
   * A transaction of `sandboxId` sends its commit, moving the sandbox from revision `from` to `to`
   * with `changes` (`chainable` false when they may not be kept: a sealed kind's). Call what it
   * answers once the commit is answered: with true when it committed.
   */
  committing(
    sandboxId: string,
    from: number,
    to: number,
    changes: LoggedChange[],
    chainable: boolean,
  ): (committed: boolean) => void {
    const log = this.logOf(sandboxId);
    let settle = () => {};
    const pending = new Promise<void>((resolve) => {
      settle = resolve;
    });
    log.pending.add(pending);
    return (committed) => {
      log.pending.delete(pending);
      settle();
      if (committed && chainable) this.append(sandboxId, log, { from, to, changes, at: Date.now() });
      else if (committed) this.drop(sandboxId, log);
      else if (!log.pending.size && !log.commits.length) this.logs.delete(sandboxId);
    };
  }

  private append(sandboxId: string, log: SandboxLog, commit: Commit): void {
    if (commit.from !== log.end) this.drop(sandboxId, log);
    if (log.base < 0) log.base = commit.from;
    log.commits.push(commit);
    log.end = commit.to;
    log.size += commit.changes.length;
    this.count += commit.changes.length;
    // Most recently committed last: the sweep below finds the stalest first.
    this.logs.delete(sandboxId);
    this.logs.set(sandboxId, log);
    const old = commit.at - keepMs;
    while (log.commits.length > 1 && ((log.commits[0] as Commit).at < old || log.size > maxPerSandbox))
      this.shift(log);
    for (const [id, other] of this.logs) {
      if (other === log || (this.count <= maxInAll && (other.commits.at(-1)?.at ?? 0) >= old)) break;
      if (!other.pending.size) this.drop(id, other);
    }
  }

  private shift(log: SandboxLog): void {
    const first = log.commits.shift() as Commit;
    log.base = first.to;
    log.size -= first.changes.length;
    this.count -= first.changes.length;
  }

  /** Forgets what is kept of a sandbox (a gap, a sealed write, a compaction of its log). */
  private drop(sandboxId: string, log: SandboxLog): void {
    this.count -= log.size;
    log.commits = [];
    log.size = 0;
    log.base = log.end = -1;
    if (!log.pending.size) this.logs.delete(sandboxId);
  }

  /** Forgets every sandbox's changes: the log was compacted, and a reader must learn so from it. */
  forgetAll(): void {
    for (const [id, log] of this.logs) this.drop(id, log);
  }

  /** The changes after `after` that `wanted` keeps, if every one up to `upTo` is kept; null when the log must be read. */
  private kept(sandboxId: string, after: number, upTo: number, wanted: Wanted): Change[] | null {
    const log = this.logs.get(sandboxId);
    if (!log || log.base < 0 || after < log.base || log.end < upTo) return null;
    const out: Change[] = [];
    for (const commit of log.commits) {
      if (commit.to <= after) continue;
      for (const c of commit.changes) if (c.revision > after && wanted(c)) out.push(changeOf(c));
    }
    return out;
  }

  /**
   * Whether every change of the sandbox after `after` that this process committed is kept, with
   * no commit of it still being answered: a transaction locking it now likely finds it at the end
   * of them (unless another process wrote since).
   */
  reaches(sandboxId: string, after: number): boolean {
    const log = this.logs.get(sandboxId);
    return !!log && !log.pending.size && log.base >= 0 && log.base <= after && after <= log.end;
  }

  /**
   * The changes of the sandbox after `after` that `wanted` keeps (read into objects only then),
   * when this process committed every change up to `upTo` (at least) and keeps them still; null
   * when the change log must be read. A commit still being answered here is waited for: a
   * notice may arrive before the commit's answer does.
   */
  async after(
    sandboxId: string,
    after: number,
    upTo: number,
    wanted: Wanted = () => true,
  ): Promise<Change[] | null> {
    const hit = this.kept(sandboxId, after, upTo, wanted);
    if (hit) return hit;
    const pending = this.logs.get(sandboxId)?.pending;
    if (!pending?.size) return null;
    await Promise.all(pending);
    return this.kept(sandboxId, after, upTo, wanted);
  }
}

/** One per database: its writers' commits, for its readers in this process. */
const byDatabase = new Map<string, RecentChanges>();

/** The recent changes of the database at `url`, as this process committed them. */
export function recentChanges(url: string): RecentChanges {
  let recent = byDatabase.get(url);
  if (!recent) {
    recent = new RecentChanges();
    byDatabase.set(url, recent);
  }
  return recent;
}
