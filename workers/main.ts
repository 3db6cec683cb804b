import { loadConfig, tenantLimits } from "../config.ts";
import { connect } from "../db/connection.ts";
import { log } from "../log.ts";
import { readClusterCaPem } from "../server/cluster-ca.ts";
import { startKeyring } from "../server/keyring.ts";
import { controllers, triggerRules } from "./controllers.ts";
import { migrateQueue, startWorkers } from "./queue/runner.ts";

/**
 * `npm run worker`: queue workers alone, against DATABASE_URL (the API processes run
 * elsewhere). Several such processes share the work through the queue.
 */
async function main() {
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
  const stop = async () => {
    await runner.stop();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err) => {
  log.fatal({ err }, "worker failed to start");
  process.exit(1);
});
