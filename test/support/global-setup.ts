import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connect } from "../../db/connection.ts";
import { newKekText } from "../../db/crypto/kek.ts";
import { type EmbeddedServer, startEmbeddedPostgres } from "../../db/embedded.ts";
import { migrateDatabase } from "../../db/migrate.ts";
import { migrateQueue } from "../../workers/queue/runner.ts";
import { testWorkers } from "./workers.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** One migrated database per test worker, by `VITEST_POOL_ID - 1`: see `suiteDatabaseUrl`. */
    databaseUrls: string[];
    /** The suite's key-encryption key (base64): every app and service on the suite's database uses it. */
    kek: string;
  }
}

/**
 * Gives each test worker a new, migrated database: on the server named by DATABASE_URL when set
 * (as in CI), otherwise on an embedded Postgres started for this run. Dropped afterwards.
 */
export default async function setup(project: TestProject) {
  // The clients the end-to-end tests drive besides npm's packages (kubectl 1.20, the Python, Ruby
  // and kubetail clients), from Debian's packages: installed here when absent, so `npm test` on a
  // new machine needs nothing by hand (idempotent; CI has run it already).
  execFileSync("bash", [join(import.meta.dirname, "..", "..", ".ci", "install-clients")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  let embedded: EmbeddedServer | null = null;
  let dataDir: string | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-test-"));
    embedded = await startEmbeddedPostgres(dataDir);
    serverUrl = embedded.url;
  }
  const name = `kubesandbox_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const urlOf = (database: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  // Migrated once, then copied per worker (CREATE DATABASE … TEMPLATE copies files, not statements).
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const database = connect(urlOf(name), 2);
  await migrateDatabase(database);
  await database.close();
  await migrateQueue(urlOf(name));
  const names = Array.from({ length: testWorkers }, (_, i) => `${name}_w${i + 1}`);
  for (const copy of names) await admin.unsafe(`CREATE DATABASE ${copy} TEMPLATE ${name}`);
  project.provide("databaseUrls", names.map(urlOf));
  project.provide("kek", newKekText());

  return async () => {
    for (const database of [...names, name])
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
