import { randomUUID } from "node:crypto";
import { afterAll, inject } from "vitest";
import { defaultLimits, type TenantLimits } from "../../config.ts";
import { connect, type Database } from "../../db/connection.ts";
import { triggerRules } from "../../workers/controllers.ts";

/**
 * A connection pool to the suite's database, closed after the file's tests; its writes wake the
 * controllers, as the service's do. `limits` changes some tenant limits from their defaults.
 */
export function testDatabase(limits: Partial<TenantLimits> = {}): Database {
  const database = connect(inject("databaseUrl"), 5, {
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
