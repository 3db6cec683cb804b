import { SandboxGone } from "../../registry/errors.ts";

/**
 * Awaits a reconcile, and answers its value; a sandbox deleted meanwhile means there is nothing
 * left to reconcile, so the job succeeds (undefined) instead of retrying. Every other error
 * propagates, and the queue retries.
 */
export async function doneIfSandboxGone<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (!(err instanceof SandboxGone)) throw err;
    return undefined;
  }
}
