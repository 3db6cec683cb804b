import DataLoader from "dataloader";
import { sandboxScope } from "../../../accounts/access.ts";
import type { TokenScope } from "../../../accounts/permissions.ts";
import { type AccountDeps, type SandboxView, sandboxesById } from "../../../accounts/sandboxes.ts";
import type { Database } from "../../../db/connection.ts";
import { noFilter } from "../../../db/filters.ts";
import { eventsAbout, getObjects, listObjects } from "../../../db/store/reads.ts";
import type { KubeObject } from "../../../kube/object.ts";
import type { ObjectKey } from "../../../kube/object-store.ts";

/** Keys of one sandbox, grouped: each loader's batch makes one statement per sandbox it touches. */
function bySandbox<K extends { sandboxId: string }>(keys: readonly K[]): Map<string, K[]> {
  const groups = new Map<string, K[]>();
  for (const k of keys) groups.set(k.sandboxId, [...(groups.get(k.sandboxId) ?? []), k]);
  return groups;
}

const objectId = (k: ObjectKey) => `${k.resource}/${k.namespace}/${k.name}`;

/**
 * The per-request loaders that keep GraphQL free of N+1 queries: relations (a pod's owner, node
 * and events, a service's endpoints and pods, an RC's pods) are asked for one object at a time
 * and answered, per tick, with one statement per sandbox. Made afresh for every request, so a
 * request sees one consistent snapshot and nothing is cached across callers.
 */
export function makeLoaders(deps: AccountDeps, userId: string | null) {
  const database: Database = deps.database;
  return {
    /**
     * Sandboxes as the caller sees them, by id, in one query; callers have checked the caller may
     * see them (a class's students, for its instructor).
     */
    sandbox: new DataLoader<string, SandboxView | null>(async (ids) => {
      const views = userId ? await sandboxesById(deps, userId, [...ids]) : [];
      return ids.map((id) => views.find((v) => v.id === id) ?? null);
    }),
    /** The caller's scope in a sandbox (owner, read), or null. */
    scope: new DataLoader<string, TokenScope | null>((ids) =>
      Promise.all(ids.map((id) => (userId ? sandboxScope(database, userId, id) : null))),
    ),
    /** One object by key. */
    object: new DataLoader<ObjectKey & { sandboxId: string }, KubeObject | null, string>(
      async (keys) => {
        const found = new Map<string, KubeObject>();
        for (const [sandboxId, group] of bySandbox(keys))
          for (const { resource, object } of await getObjects(database, sandboxId, group)) {
            const key = {
              resource,
              namespace: object.metadata.namespace ?? "",
              name: object.metadata.name ?? "",
            };
            found.set(`${sandboxId}|${objectId(key)}`, object);
          }
        return keys.map((k) => found.get(`${k.sandboxId}|${objectId(k)}`) ?? null);
      },
      { cacheKeyFn: (k) => `${k.sandboxId}|${objectId(k)}` },
    ),
    /** Every object of a resource in a namespace ("" for cluster-scoped, null for all). */
    list: new DataLoader<
      { sandboxId: string; resource: string; namespace: string | null },
      KubeObject[],
      string
    >(
      (keys) =>
        Promise.all(
          keys.map(
            async (k) =>
              (await listObjects(database, k.sandboxId, k.resource, k.namespace, noFilter))?.items ?? [],
          ),
        ),
      { cacheKeyFn: (k) => `${k.sandboxId}|${k.resource}|${k.namespace ?? "*"}` },
    ),
    /** The events about an object, by its uid. */
    events: new DataLoader<{ sandboxId: string; uid: string }, KubeObject[], string>(
      async (keys) => {
        const found = new Map<string, KubeObject[]>();
        for (const [sandboxId, group] of bySandbox(keys))
          for (const ev of await eventsAbout(
            database,
            sandboxId,
            group.map((k) => k.uid),
          )) {
            const uid = String((ev as { involvedObject?: { uid?: string } }).involvedObject?.uid ?? "");
            found.set(`${sandboxId}|${uid}`, [...(found.get(`${sandboxId}|${uid}`) ?? []), ev]);
          }
        return keys.map((k) => found.get(`${k.sandboxId}|${k.uid}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.sandboxId}|${k.uid}` },
    ),
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof makeLoaders>;
