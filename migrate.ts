import { loadConfig } from "./config.ts";
import { connect } from "./db/connection.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { migrateQueue } from "./workers/queue/runner.ts";

/**
 * `npm run migrate`: applies the service's migrations and the job queue's to DATABASE_URL, as
 * `npm start` does at start. For a deployment whose request path is serverless (which migrates
 * nothing) before its first start, and after each upgrade.
 */
async function main(): Promise<void> {
  const url = loadConfig().DATABASE_URL;
  if (!url) throw new Error("set DATABASE_URL to the database to migrate");
  const database = connect(url, 2);
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  await migrateQueue(url);
  console.log("migrated");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
