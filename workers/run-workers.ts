import { loadConfig, tenantLimits } from "../config.ts";
import { connect } from "../db/connection.ts";
import { readClusterCaPem } from "../server/cluster-ca.ts";
import { startKeyring } from "../server/keyring.ts";
import { controllers, triggerRules } from "./controllers.ts";
import { migrateQueue, startWorkers } from "./queue/runner.ts";

/**
 * The queue workers alone, against DATABASE_URL (the API processes run elsewhere): started, and
 * the function that stops them. Several such processes share the work through the queue.
 */
export async function runWorkers(): Promise<() => Promise<void>> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error("npm run worker needs DATABASE_URL (the database the API uses)");
  const database = connect(config.DATABASE_URL, 10, { triggers: triggerRules, limits: tenantLimits(config) });
  await migrateQueue(config.DATABASE_URL);
  // Controllers read and write Secrets through the same store: they need the same keys.
  await startKeyring(database, config, false);
  const runner = await startWorkers(database, {
    concurrency: config.WORKER_CONCURRENCY,
    controllers,
    settings: {
      clusterCaPem: await readClusterCaPem(config.DATA_DIR),
      changeLogRetentionSeconds: config.CHANGE_LOG_RETENTION_SECONDS,
    },
  });
  return async () => {
    await runner.stop();
    await database.close();
  };
}
