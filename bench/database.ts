import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../db/embedded.ts";

/** A fresh database for one bench run, and how to drop it. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new database on the server DATABASE_URL names, or on an embedded Postgres started in a
 * temporary directory; dropped (and the embedded server stopped) at the end.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => {};
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), "kubesandbox-bench-"));
    const pg = await startEmbeddedPostgres(dir);
    serverUrl = pg.url;
    stopEmbedded = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `kubesandbox_bench_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stopEmbedded();
    },
  };
}
