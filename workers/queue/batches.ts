import type { Database } from "../../db/connection.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { inSandbox } from "../../registry/transaction.ts";

/**
 * How a controller's step runs over several jobs of one sandbox in one transaction: `early`
 * sends their reads with the lock, `run` does each job's step in order and answers one result
 * per job, in the jobs' order (`database`: the handle the transaction is on, for what a step
 * reads outside it), and `committed` sees the transaction's writer once it has committed.
 */
export interface BatchStep<J, R> {
  early?: (w: SandboxWriter, jobs: J[]) => void;
  run: (w: SandboxWriter, jobs: J[], database: Database) => Promise<R[]>;
  committed?: (w: SandboxWriter) => void;
}

/**
 * The first read of each distinct object a batch's jobs name (`idOf`), all started at once —
 * before the batch writes, so each sees what the lock does — and null for a later job naming
 * one again, which reads it at its turn, after the earlier job's writes.
 */
export function readEachOnce<J, T>(
  jobs: J[],
  idOf: (job: J) => string,
  read: (job: J) => Promise<T>,
): (Promise<T> | null)[] {
  const seen = new Set<string>();
  return jobs.map((job) => {
    const id = idOf(job);
    if (seen.has(id)) return null;
    seen.add(id);
    return read(job);
  });
}

/** The jobs that name distinct objects (`idOf`), the first of each. */
export function distinctJobs<J>(jobs: J[], idOf: (job: J) => string): J[] {
  const seen = new Set<string>();
  return jobs.filter((job) => !seen.has(idOf(job)) && seen.add(idOf(job)));
}

interface Member<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * The most jobs one transaction takes: a batch holds the sandbox's lock for its whole step (some
 * 1-2 ms of work per pod), and a client's write waits for it; more wait for the next turn.
 */
const maxBatch = 16;

/**
 * Group commit for the controllers' steps. The steps of one sandbox take turns for its lock
 * (db/sandbox-gate.ts), and under a burst — a Deployment scaled to 300, a class creating pods at
 * once — dozens of one controller's jobs wait in that line, each to pay a transaction of its own
 * (the lock, the revision, the commit, round trips) for a few milliseconds of work. Here the jobs
 * of one step that arrive while the sandbox is busy join the batch waiting for its next turn, and
 * the batch runs as one transaction. A job that finds the sandbox free runs at once, alone, as
 * before. Should a batch fail, each of its jobs runs again alone, so every job gets its own
 * outcome (a failing one fails only itself).
 */
export class SandboxBatches<J, R> {
  /** The batch still open to joiners, per database handle and sandbox: the one not yet begun. */
  private readonly open = new WeakMap<Database, Map<string, Member<J, R>[]>>();

  private readonly step: BatchStep<J, R>;

  constructor(step: BatchStep<J, R>) {
    this.step = step;
  }

  run(database: Database, sandboxId: string, job: J): Promise<R> {
    let open = this.open.get(database);
    if (!open) {
      open = new Map();
      this.open.set(database, open);
    }
    const result = new Promise<R>((resolve, reject) => {
      const waiting = open.get(sandboxId);
      const member = { job, resolve, reject };
      if (waiting && waiting.length < maxBatch) waiting.push(member);
      else {
        const members = [member];
        open.set(sandboxId, members);
        void this.runBatch(database, sandboxId, members, () => {
          if (open.get(sandboxId) === members) open.delete(sandboxId);
        });
      }
    });
    return result;
  }

  /** Runs `members` (closed to joiners once their transaction begins) in one transaction. */
  private async runBatch(
    database: Database,
    sandboxId: string,
    members: Member<J, R>[],
    close: () => void,
  ): Promise<void> {
    const jobs = () => members.map((m) => m.job);
    let writer: SandboxWriter | null = null;
    try {
      const results = await inSandbox(
        database,
        sandboxId,
        (w) => {
          writer = w;
          return this.step.run(w, jobs(), database);
        },
        {
          early: (w) => {
            close();
            this.step.early?.(w, jobs());
          },
        },
      );
      if (writer) this.step.committed?.(writer);
      for (const [i, m] of members.entries()) m.resolve(results[i] as R);
    } catch (err) {
      close();
      if (members.length === 1) return members[0]?.reject(err);
      for (const member of members) await this.runBatch(database, sandboxId, [member], () => {});
    }
  }
}
