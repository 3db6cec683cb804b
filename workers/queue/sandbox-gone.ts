import { SandboxGone } from "../../registry/errors.ts";

/**
 * Awaits a reconcile; a sandbox deleted meanwhile means there is nothing left to reconcile, so
 * the job succeeds instead of retrying. Every other error propagates, and the queue retries.
 */
export async function doneIfSandboxGone(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!(err instanceof SandboxGone)) throw err;
  }
}
