import { AsyncLocalStorage } from "node:async_hooks";
import type { Database } from "../db/connection.ts";

/**
 * The database handle of a runtime that gives each request a connection of its own (workerd ties
 * a socket to the request that opened it; a Lambda's process may be frozen between invocations):
 * the app is built once, on this handle, whose connection (sql, db) is the one of the request in
 * progress, which the entry point opens and hands in with `run`.
 */
export class RequestDatabase {
  private readonly store = new AsyncLocalStorage<Database>();

  /** The handle the app is built on; used outside a request it throws. */
  readonly handle: Database;

  /** `fixed`: what is the same for every request (the limits, sealing, trigger rules). */
  constructor(fixed: Pick<Database, "limits" | "sealing" | "triggers">) {
    const now = (): Database => this.current();
    this.handle = {
      get sql() {
        return now().sql;
      },
      get db() {
        return now().db;
      },
      get url() {
        return now().url;
      },
      ...fixed,
      // No connection outlives its request, so none can LISTEN.
      listens: false,
      close: () => now().close(),
    };
  }

  /** The connection of the request in progress; throws outside a request. */
  current(): Database {
    const database = this.store.getStore();
    if (!database) throw new Error("no database connection outside a request");
    return database;
  }

  /** Runs `fn` (the app's handling of one request) with `database` as its connection. */
  run<T>(database: Database, fn: () => T): T {
    return this.store.run(database, fn);
  }
}
