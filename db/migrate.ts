import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { Database } from "./connection.ts";

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");

/**
 * Applies the SQL migrations in migrations/ that this database has not seen. A session advisory
 * lock, held on a connection of its own, keeps processes starting at once from racing.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  const conn = await database.sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(hashtext('kubesandbox:migrate'))`;
    await migrate(database.db, { migrationsFolder });
  } finally {
    await conn`SELECT pg_advisory_unlock(hashtext('kubesandbox:migrate'))`;
    conn.release();
  }
}
