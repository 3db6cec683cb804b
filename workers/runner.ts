import { Logger, type Runner, run, runMigrations, type Task } from "graphile-worker";
import { connect, type Database } from "../db/connection.ts";
import { log } from "../log.ts";
import { poolLiveness } from "./liveness.ts";
import { tasks } from "./tasks/index.ts";

/** graphile-worker's log lines, through the service's logger (its debug chatter at debug). */
const queueLogger = new Logger(() => (level, message, meta) => {
  const method =
    level === "error" ? "error" : level === "warning" ? "warn" : level === "info" ? "debug" : "trace";
  log[method]({ queue: meta }, message);
});

/** graphile-worker's task list: every task of workers/tasks/index.ts, bound to the database. */
export function taskList(database: Database): Record<string, Task> {
  return Object.fromEntries(
    Object.entries(tasks).map(([name, task]) => [
      name,
      (payload: unknown) => task(database, (payload ?? {}) as Record<string, unknown>),
    ]),
  );
}

/** Jobs that run on a schedule, for the whole database at once. */
const crontab = "*/5 * * * * compact_changes ?max=1";

/** Installs or upgrades graphile-worker's own schema (jobs can then be enqueued in any transaction). */
export function migrateQueue(connectionString: string): Promise<void> {
  return runMigrations({ connectionString, logger: queueLogger });
}

/**
 * The queue's own connections commit asynchronously too: a lost completion only reruns a job.
 * Added to whatever server options the URL already sets.
 */
export function asyncCommitUrl(url: string): string {
  const parsed = new URL(url);
  const options = [parsed.searchParams.get("options"), "-c synchronous_commit=off"].filter(Boolean);
  parsed.searchParams.set("options", options.join(" "));
  return parsed.toString();
}

/**
 * Starts the queue workers on the same database; stop them with `runner.stop()`. The tasks get a
 * pool of their own whose commits do not wait for the disk (db/connection.ts, asyncCommit).
 */
export function startWorkers(database: Database, concurrency: number): Promise<Runner> {
  // The jobs of a worker process that dies are unlocked by the ones alive (workers/liveness.ts).
  const liveness = poolLiveness(database);
  // Jobs hold a connection only for their transactions, and those of one sandbox take turns in
  // the process (db/sandbox-gate.ts), behind any client's write to it: a few connections serve
  // many slots, and leave room under max_connections.
  const controllers = connect(database.url, Math.min(concurrency, 8) + 2, {
    asyncCommit: true,
    gated: true,
  });
  const stopAll = async () => {
    await liveness.stop();
    await controllers.close();
  };
  return run({
    connectionString: asyncCommitUrl(database.url),
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: taskList(controllers),
    crontab,
    logger: queueLogger,
    events: liveness.events,
    preset: {
      worker: {
        // Jobs are fetched a few at a time and completions sent together: at a burst's rate the
        // queue's own statements otherwise cost as much as the jobs.
        localQueue: { size: concurrency * 2 },
        completeJobBatchDelay: 0,
        // Fetching and completing in batches, the queue opens few of these; the size only
        // matches graphile's expectation of one per slot (it warns when smaller).
        maxPoolSize: concurrency,
      },
    },
  }).then(
    (runner) => {
      log.info({ concurrency }, "workers started");
      return { ...runner, stop: (reason?: string) => runner.stop(reason).finally(stopAll) };
    },
    async (err) => {
      await stopAll();
      throw err;
    },
  );
}
