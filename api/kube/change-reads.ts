import type { Database } from "../../db/connection.ts";
import { type ChangeBatch, changesAfter } from "../../db/store/changes.ts";

/** Reads of the change log in flight in this process, by what they read. */
const inFlight = new Map<string, Promise<ChangeBatch | null>>();

/**
 * changesAfter, shared: watches of one resource that a commit wakes together, holding the same
 * revision (as watches that keep up do), make one query between them, not one each. Each filters
 * what it gets in memory; nobody changes the shared objects.
 */
export function sharedChangesAfter(
  database: Database,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  after: number,
): Promise<ChangeBatch | null> {
  // A handle that cannot listen has a connection per request (workerd): one request may not wait
  // on another's query there, so each watch reads alone.
  if (!database.listens) return changesAfter(database, sandboxId, resource, namespace, after);
  const key = `${sandboxId}\n${resource}\n${namespace ?? "\0"}\n${after}`;
  let read = inFlight.get(key);
  if (!read) {
    read = changesAfter(database, sandboxId, resource, namespace, after).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
  }
  return read;
}
