import type { Database } from "../db/connection.ts";
import { getObject, listObjects } from "../db/store/reads.ts";
import type { ReadObjects } from "../kube/runtime/shell/world.ts";

/** The sandbox's objects as its containers' processes read them (secrets opened, in memory only). */
export function sandboxObjects(database: Database, sandboxId: string): ReadObjects {
  return {
    get: (key) => getObject(database, sandboxId, key),
    list: async (resource, namespace) =>
      (await listObjects(database, sandboxId, resource, namespace))?.items ?? [],
  };
}
