import { Logger, type Runner, run, runMigrations, type Task } from "graphile-worker";
import { connect, type Database } from "../../db/connection.ts";
import { log } from "../../log.ts";
import { type Controller, triggerRulesOf } from "./controller.ts";
import { poolLiveness } from "./liveness.ts";
import type { TaskContext } from "./task.ts";

/** graphile-worker's log lines, through the service's logger (its debug chatter at debug). */
const queueLogger = new Logger(() => (level, message, meta) => {
  const method =
    level === "error" ? "error" : level === "warning" ? "warn" : level === "info" ? "debug" : "trace";
  log[method]({ queue: meta }, message);
});

/**
 * graphile-worker's task list: every handler of the controllers, bound to the context. A payload
 * that does not fit its task's schema can never run: it is logged and dropped, not retried.
 */
export function taskList(controllers: Controller[], ctx: TaskContext): Record<string, Task> {
  const list: Record<string, Task> = {};
  for (const c of controllers) {
    for (const handler of c.handlers)
      list[handler.name] = async (payload) => {
        if (!(await handler.run(ctx, payload)))
          log.error({ task: handler.name, payload }, "dropped a job whose payload does not fit its task");
      };
    for (const scheduled of c.scheduled ?? []) list[scheduled.name] = () => scheduled.run(ctx);
  }
  return list;
}

/** The crontab of the controllers' scheduled tasks, for the whole database at once. */
function crontabOf(controllers: Controller[]): string {
  return controllers
    .flatMap((c) => c.scheduled ?? [])
    .map((t) => {
      const [minute, hour, day, month, weekday, ...options] = t.schedule.split(" ");
      return [minute, hour, day, month, weekday, t.name, ...options].join(" ");
    })
    .join("\n");
}

/**
 * Installs or upgrades graphile-worker's own schema (jobs can then be enqueued in any
 * transaction). Its `add_jobs`, called by every commit that enqueues, plans its statements with
 * generic plans: Postgres kept choosing a custom plan, made afresh on each call (about half of
 * all planning at 100 pods/s), for upserts by key whose plan does not depend on the values. Set
 * again after every upgrade, which may replace the function.
 */
export async function migrateQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: queueLogger });
  const database = connect(connectionString, 1);
  try {
    await database.sql`
      ALTER FUNCTION graphile_worker.add_jobs(graphile_worker.job_spec[], boolean)
      SET plan_cache_mode = force_generic_plan`;
  } finally {
    await database.close();
  }
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

/** What the queue workers run: how many jobs at once, the controllers, and what their tasks are given. */
export interface WorkerOptions {
  concurrency: number;
  controllers: Controller[];
  settings: Omit<TaskContext, "database">;
}

/**
 * Starts the queue workers on the same database; stop them with `runner.stop()`. The tasks get a
 * pool of their own whose commits do not wait for the disk (db/connection.ts, asyncCommit), with
 * the database's sealing and the controllers' trigger rules.
 */
export function startWorkers(database: Database, options: WorkerOptions): Promise<Runner> {
  const { concurrency, controllers } = options;
  // The jobs of a worker process that dies are unlocked by the ones alive (workers/queue/liveness.ts).
  const liveness = poolLiveness(database);
  // Jobs hold a connection only for their transactions, and those of one sandbox take turns in
  // the process (db/sandbox-gate.ts), behind any client's write to it: a few connections serve
  // many slots, and leave room under max_connections.
  const pool = connect(database.url, Math.min(concurrency, 8) + 2, {
    asyncCommit: true,
    gated: true,
    sealing: database.sealing,
    triggers: triggerRulesOf(controllers),
    limits: database.limits,
  });
  const stopAll = async () => {
    await liveness.stop();
    await pool.close();
  };
  return run({
    connectionString: asyncCommitUrl(database.url),
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: taskList(controllers, { ...options.settings, database: pool }),
    crontab: crontabOf(controllers),
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
