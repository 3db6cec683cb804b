import { parentPort, workerData } from "node:worker_threads";
import { runWorkers } from "./run-workers.ts";

/**
 * `npm start`'s control plane, on a thread of its own (main.ts starts it, see startWorkerThread):
 * a burst of controller steps runs beside the API's event loop rather than between its requests,
 * and each collects its own heap. It talks to the API only through the database, as the workers
 * of `npm run worker` do. The main thread's message "stop" stops it; "stopped" answers.
 */
const stop = await runWorkers((workerData as { databaseUrl: string }).databaseUrl);
parentPort?.postMessage("started");
parentPort?.on("message", async (message) => {
  if (message !== "stop") return;
  await stop();
  parentPort?.postMessage("stopped");
});
