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

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The suite's key-encryption key (base64): every app and service on the suite's database uses it. */
    kek: string;
  }
}

/**
 * Gives the suite a new, migrated database: on the server named by DATABASE_URL when set (as
 * in CI), otherwise on an embedded Postgres started for this run. Dropped afterwards.
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
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = connect(url.toString(), 2);
  await migrateDatabase(database);
  await database.close();
  await migrateQueue(url.toString());
  project.provide("databaseUrl", url.toString());
  project.provide("kek", newKekText());

  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
