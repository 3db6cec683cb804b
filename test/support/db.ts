import { randomUUID } from "node:crypto";
import { afterAll, inject } from "vitest";
import { defaultLimits, type TenantLimits } from "../../config.ts";
import { connect, type Database } from "../../db/connection.ts";
import { triggerRules } from "../../workers/controllers.ts";

/** This test worker's own database (see global-setup): no other file runs on it at the same time. */
export function suiteDatabaseUrl(): string {
  const urls = inject("databaseUrls");
  const url = urls[Number(process.env.VITEST_POOL_ID ?? "1") - 1];
  if (!url) throw new Error(`no database for test worker ${process.env.VITEST_POOL_ID}`);
  return url;
}

/**
 * A connection pool to the suite's database, closed after the file's tests; its writes wake the
 * controllers, as the service's do. `limits` changes some tenant limits from their defaults.
 */
export function testDatabase(limits: Partial<TenantLimits> = {}): Database {
  const database = connect(suiteDatabaseUrl(), 5, {
    triggers: triggerRules,
    limits: { ...defaultLimits, ...limits },
  });
  afterAll(() => database.close());
  return database;
}

/** A user row to own sandboxes in tests (no password needed). */
export async function testUser(database: Database): Promise<string> {
  const id = randomUUID();
  await database.sql`INSERT INTO users (id, email, password_hash) VALUES (${id}, ${`${id}@example.com`}, 'x')`;
  return id;
}
