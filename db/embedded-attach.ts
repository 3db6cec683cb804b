import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type EmbeddedServer, startEmbeddedPostgres } from "./embedded.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The embedded Postgres under `dataDir` for a command-line tool: the one a running service
 * started (found through its postmaster.pid, which names the port), or else started here and
 * stopped by `stop()`. Two postmasters cannot share a data directory, so a tool must attach.
 */
export async function attachOrStartEmbedded(dataDir: string): Promise<EmbeddedServer> {
  const dir = resolve(dataDir);
  const pidFile = join(dir, "pg", "postmaster.pid");
  if (existsSync(pidFile)) {
    const lines = (await readFile(pidFile, "utf8")).split("\n");
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (pid > 0 && port > 0 && alive(pid)) {
      const password = (await readFile(join(dir, "pg-password"), "utf8")).trim();
      const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
      return { url, socketUrl: url, stop: async () => {} };
    }
  }
  return startEmbeddedPostgres(dataDir);
}
