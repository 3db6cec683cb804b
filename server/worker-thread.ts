import { Worker } from "node:worker_threads";

/**
 * Starts the control plane on a thread of its own (workers/thread.ts) against the API's database;
 * resolves, once its workers run, to the function that stops it. An error that ends the thread
 * after that goes to `onError`, as an uncaught one of the main thread would.
 */
export async function startWorkerThread(
  databaseUrl: string,
  onError: (err: unknown) => void,
): Promise<() => Promise<void>> {
  // Named: the thread shows as "controllers" in top -H, ps -T and /proc/<pid>/task/*/comm.
  const worker = new Worker(new URL("../workers/thread.ts", import.meta.url), {
    name: "controllers",
    workerData: { databaseUrl },
  });
  await new Promise<void>((started, failed) => {
    worker.once("message", () => started());
    worker.once("error", failed);
    worker.once("exit", (code) =>
      failed(new Error(`the workers' thread ended (exit code ${code}) as it started`)),
    );
  });
  worker.removeAllListeners();
  worker.on("error", onError);
  return async () => {
    const stopped = new Promise<void>((done) => {
      worker.on("message", (message) => message === "stopped" && done());
      worker.once("exit", () => done());
    });
    worker.postMessage("stop");
    await stopped;
    // Its pools are closed; a timer left behind must not keep the thread, or the process, alive.
    await worker.terminate();
  };
}
