import type { KubeObject } from "../../kube/object.ts";
import type { ObjectKey } from "../../kube/object-store.ts";
import { filterCondition, noFilter, type ObjectFilter } from "../filters.ts";
import type { Queryable, Sql } from "../sql.ts";
import { notExpired } from "./event-expiry.ts";
import { type Row, served } from "./rows.ts";
import type { Sealing } from "./sealing.ts";
import { keepTexts, keptTexts } from "./served-texts.ts";

/** What a read runs on: a pool or a transaction, and how sealed bodies are opened. */
export interface ReadSource {
  sql: Queryable;
  sealing: Sealing;
}

/** A stored row as served, its body opened first (Secrets are stored encrypted: sealing.ts). */
export async function servedOpen(
  source: ReadSource,
  sandboxId: string,
  resource: string,
  row: Row,
): Promise<KubeObject> {
  return served({ ...row, body: await source.sealing.open(source.sql, sandboxId, resource, row.body) });
}

/**
 * Whether a text can name a stored row: Postgres text holds no NUL character, so a key with one
 * names nothing (and must not reach a query, which would fail on it).
 */
export function storableText(text: string): boolean {
  return !text.includes("\0");
}

/** Only events not yet expired (event-expiry.ts), for a read of `resource` from the row `alias`. */
function live(sql: Queryable, resource: string, alias: string) {
  return resource === "events" ? sql`AND ${notExpired(sql, alias)}` : sql``;
}

/** Reads one object, or null (an event past its hour is gone). */
export async function getObject(source: ReadSource, sandboxId: string, key: ObjectKey) {
  if (!storableText(key.namespace) || !storableText(key.name)) return null;
  const [row] = await source.sql<Row[]>`
    SELECT resource_version, body FROM objects
    WHERE sandbox_id = ${sandboxId} AND resource = ${key.resource}
      AND namespace = ${key.namespace} AND name = ${key.name} ${live(source.sql, key.resource, "objects")}`;
  return row ? servedOpen(source, sandboxId, key.resource, row) : null;
}

/** A list's items, the sandbox revision they were read at, and where the next page starts. */
export interface ListResult {
  items: KubeObject[];
  revision: number;
  /** The key of the last item when more items follow (a page was cut at the limit). */
  next: { namespace: string; name: string } | null;
}

/** A page of a list: at most `limit` items after the key `after` (namespace, name order). */
export interface Page {
  limit?: number;
  after?: { namespace: string; name: string };
}

/** A list's rows as the statement below reads them: each object's body, or its served JSON text. */
type ListRow = Row & { revision: string; namespace: string; name: string; text?: string | null };

/**
 * An object row's served JSON, printed by Postgres from the stored jsonb with its
 * resourceVersion set: the same object `served` gives (its keys in jsonb's order, which no
 * client reads by), sent on without being parsed. One print of the row, as reading it costs.
 */
const servedText = `jsonb_set(o.body, '{metadata,resourceVersion}', to_jsonb(o.resource_version::text))::text`;

/**
 * The rows of a list (see listPage), with each object's served text instead of its body when
 * `asText` — but for the versions in `known`, whose text the caller has (a null text).
 */
async function listRows(
  source: ReadSource,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  filter: ObjectFilter,
  page: Page,
  asText: boolean,
  known: number[] = [],
): Promise<ListRow[]> {
  const sql = source.sql;
  const after = page.after
    ? sql`AND (o.namespace, o.name) > (${page.after.namespace}, ${page.after.name})`
    : sql``;
  const limit = page.limit ? sql`LIMIT ${page.limit + 1}` : sql``;
  // A namespace or page key no row can have: the sandbox's revision, and no items.
  const possible =
    (namespace === null || storableText(namespace)) &&
    (!page.after || (storableText(page.after.namespace) && storableText(page.after.name)));
  const columns = asText
    ? // The body only says whether a row was found (the text carries the object).
      sql`s.revision, o.resource_version, CASE WHEN o.body IS NULL THEN NULL ELSE '{}'::jsonb END AS body,
        o.namespace, o.name, ${
          known.length
            ? sql`CASE WHEN o.resource_version = ANY(${known}::bigint[]) THEN NULL ELSE ${sql.unsafe(servedText)} END`
            : sql.unsafe(servedText)
        } AS text`
    : sql`s.revision, o.resource_version, o.body, o.namespace, o.name`;
  return sql<ListRow[]>`
    SELECT ${columns}
    FROM sandboxes s
    LEFT JOIN objects o ON o.sandbox_id = s.id AND o.resource = ${resource}
      AND ${possible ? sql`(${namespace}::text IS NULL OR o.namespace = ${namespace})` : sql`false`}
      AND ${filterCondition(sql, filter)} ${possible ? after : sql``} ${live(sql, resource, "o")}
    WHERE s.id = ${sandboxId}
    ORDER BY o.namespace, o.name ${limit}`;
}

/**
 * A page of a list: its rows read (see listRows), the items made of the rows kept, the
 * sandbox's revision and the key the next page starts after. Null when the sandbox does not exist.
 */
async function listPage<T>(
  source: ReadSource,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  filter: ObjectFilter,
  page: Page,
  asText: boolean,
  itemsOf: (kept: ListRow[]) => T[] | Promise<T[]>,
  known?: number[],
): Promise<{ items: T[]; revision: number; next: ListResult["next"] } | null> {
  const rows = await listRows(source, sandboxId, resource, namespace, filter, page, asText, known);
  const first = rows[0];
  if (!first) return null;
  const found = rows.filter((r) => r.body !== null);
  const more = page.limit !== undefined && found.length > page.limit;
  const kept = more ? found.slice(0, page.limit) : found;
  const last = kept[kept.length - 1];
  return {
    items: await itemsOf(kept),
    revision: Number(first.revision),
    next: more && last ? { namespace: last.namespace, name: last.name } : null,
  };
}

/**
 * Lists the objects of one resource in a sandbox, in one namespace or all, ordered by namespace
 * and name, filtered in SQL, one page at a time when a limit is given. Returns null when the
 * sandbox does not exist.
 */
export function listObjects(
  source: ReadSource,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  filter: ObjectFilter = noFilter,
  page: Page = {},
): Promise<ListResult | null> {
  return listPage(source, sandboxId, resource, namespace, filter, page, false, (kept) =>
    source.sealing.isSealed(resource)
      ? Promise.all(kept.map((r) => servedOpen(source, sandboxId, resource, r)))
      : kept.map(served),
  );
}

/**
 * listObjects for a list sent as JSON as it is: each item's served JSON text, made by Postgres,
 * never parsed here (a list of a hundred pods was a quarter of a megabyte parsed and printed
 * again), and kept for the next list (db/store/served-texts.ts), which Postgres then prints only
 * the objects changed since for. Not for a sealed kind, whose items are opened here. Null when
 * the sandbox does not exist.
 */
export function listObjectTexts(
  source: ReadSource,
  sandboxId: string,
  resource: string,
  namespace: string | null,
  filter: ObjectFilter = noFilter,
  page: Page = {},
): Promise<{ items: string[]; revision: number; next: ListResult["next"] } | null> {
  if (source.sealing.isSealed(resource)) throw new Error(`${resource} are sealed: list them as objects`);
  const texts = keptTexts(sandboxId, resource);
  return listPage(
    source,
    sandboxId,
    resource,
    namespace,
    filter,
    page,
    true,
    (rows) => {
      const printed: [number, string][] = [];
      const items = rows.map((r) => {
        const rv = Number(r.resource_version);
        if (typeof r.text === "string") {
          printed.push([rv, r.text]);
          return r.text;
        }
        return texts.get(rv) as string;
      });
      keepTexts(sandboxId, resource, printed);
      return items;
    },
    [...texts.keys()],
  );
}

/** The sandbox's current revision, or null when it does not exist. */
export async function currentRevision(sql: Sql, sandboxId: string): Promise<number | null> {
  const [row] = await sql<{ revision: string }[]>`SELECT revision FROM sandboxes WHERE id = ${sandboxId}`;
  return row ? Number(row.revision) : null;
}

/** Several objects of one sandbox by key, in one statement, each with its key; absent ones are left out. */
export async function getObjects(
  source: ReadSource,
  sandboxId: string,
  keys: ObjectKey[],
): Promise<(ObjectKey & { object: KubeObject })[]> {
  // A key no row can have (a NUL in it: storableText) is absent, without asking.
  keys = keys.filter((k) => storableText(k.namespace) && storableText(k.name));
  if (!keys.length) return [];
  const rows = await source.sql<(Row & ObjectKey)[]>`
    SELECT o.resource, o.namespace, o.name, o.resource_version, o.body FROM objects o
    JOIN unnest(${keys.map((k) => k.resource)}::text[], ${keys.map((k) => k.namespace)}::text[],
      ${keys.map((k) => k.name)}::text[]) AS k(resource, namespace, name)
      ON o.resource = k.resource AND o.namespace = k.namespace AND o.name = k.name
    WHERE o.sandbox_id = ${sandboxId} AND ${notExpired(source.sql, "o")}`;
  return Promise.all(
    rows.map(async (r) => ({
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      object: await servedOpen(source, sandboxId, r.resource, r),
    })),
  );
}

/**
 * The events about several objects of a sandbox (by their uids), oldest first, in one statement
 * (the index on an event's involvedObject.uid serves it).
 */
export async function eventsAbout(
  source: ReadSource,
  sandboxId: string,
  uids: string[],
): Promise<KubeObject[]> {
  if (!uids.length) return [];
  const rows = await source.sql<Row[]>`
    SELECT resource_version, body FROM objects
    WHERE sandbox_id = ${sandboxId} AND resource = 'events'
      AND (body -> 'involvedObject' ->> 'uid') = ANY(${uids}::text[]) AND ${notExpired(source.sql)}
    ORDER BY resource_version`;
  return rows.map(served);
}
