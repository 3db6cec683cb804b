import { z } from "zod";
import type { Database } from "../../db/connection.ts";
import type { JobGuard, QueuedJob } from "../../db/queue.ts";

/**
 * What a task runs with besides its job: the process's pool and settings, given by the worker's
 * entry point (tasks read no environment of their own).
 */
export interface TaskContext {
  database: Database;
  /** The cluster CA that every namespace's `kube-root-ca.crt` publishes. */
  clusterCaPem: string;
  /** How long the change log keeps a change before compaction (etcd keeps 5 minutes). */
  changeLogRetentionSeconds: number;
}

/** When a job is due (now by default), and the guard that leaves it out where it would find nothing to do. */
export interface JobOptions {
  runAt?: Date;
  onlyIf?: JobGuard;
}

/**
 * A queue task of a sandbox, as its jobs are written and read: its name, the schema of its
 * payload (checked when a job runs: a payload is data from the database, not a type), and the
 * key its jobs are debounced by within the sandbox (a burst of changes to one object is one job).
 */
export interface TaskDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
  key(payload: P): string;
  /** A job of this task, for the transaction writing the sandbox to enqueue. */
  job(payload: P, options?: JobOptions): QueuedJob;
}

/** Defines a task: its name, its payload's schema, and its jobs' key. */
export function defineTask<P extends Record<string, unknown>>(
  name: string,
  payload: z.ZodType<P>,
  key: (payload: P) => string,
): TaskDefinition<P> {
  return {
    name,
    payload,
    key,
    job: (p, options = {}) => ({ task: name, key: key(p), payload: p, ...options }),
  };
}

/** A job as its handler gets it: the payload, and the sandbox it is for. */
export type Job<P> = P & { sandbox: string };

/** Runs the jobs of one task. Level-triggered: the job says where to look, the handler re-reads. */
export interface TaskHandler {
  name: string;
  /**
   * Runs one job from its stored payload; false when the payload does not fit the task's schema
   * (it never will: the job is dropped, not retried).
   */
  run(ctx: TaskContext, payload: unknown): Promise<boolean>;
}

const sandboxField = z.object({ sandbox: z.uuid() });

/** The handler of a task's jobs: its payload checked against the task's schema, then `run`. */
export function handle<P extends Record<string, unknown>>(
  task: TaskDefinition<P>,
  run: (ctx: TaskContext, job: Job<P>) => Promise<void>,
): TaskHandler {
  return {
    name: task.name,
    async run(ctx, payload) {
      const sandbox = sandboxField.safeParse(payload);
      const parsed = task.payload.safeParse(payload);
      if (!sandbox.success || !parsed.success) return false;
      await run(ctx, { ...parsed.data, sandbox: sandbox.data.sandbox });
      return true;
    },
  };
}

/** A task run on a schedule for the whole database (graphile-worker's crontab), not for one sandbox. */
export interface ScheduledTask {
  name: string;
  /** The crontab line's schedule and options, e.g. "*\/5 * * * *" and "?max=1". */
  schedule: string;
  run(ctx: TaskContext): Promise<void>;
}

/** The job a task's handler gets: `JobOf<typeof kubeletTask>`. */
export type JobOf<T> = T extends TaskDefinition<infer P> ? Job<P> : never;
