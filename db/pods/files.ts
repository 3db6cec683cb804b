import type { Queryable } from "../sql.ts";
import { ownerExists } from "./rows.ts";

/**
 * What containers write, by pod and scope (db/schema.ts, pod_files): loaded whole into the
 * container's in-memory tree for a request, and the differences written back after it.
 */

/** One stored entry: a file, a directory, or the whiteout of an image file the layer deleted. */
export interface StoredFile {
  path: string;
  kind: "file" | "dir" | "whiteout";
  mode: number;
  content: Uint8Array;
}

/** The entries of several scopes of a pod, by scope. */
export async function loadFiles(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  scopes: string[],
): Promise<Map<string, StoredFile[]>> {
  const out = new Map<string, StoredFile[]>(scopes.map((s) => [s, []]));
  if (!scopes.length) return out;
  const rows = await sql<
    { scope: string; path: string; kind: StoredFile["kind"]; mode: number; content: Uint8Array }[]
  >`
    SELECT scope, path, kind, mode, content FROM pod_files
    WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND scope = ANY(${scopes}::text[])`;
  for (const r of rows)
    out.get(r.scope)?.push({ path: r.path, kind: r.kind, mode: r.mode, content: r.content });
  return out;
}

/** Writes a scope's changes: entries put (replacing), paths removed; nothing put once the pod is gone. */
export async function saveFiles(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  scope: string,
  put: StoredFile[],
  removed: string[],
): Promise<void> {
  if (removed.length)
    await sql`DELETE FROM pod_files WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid}
      AND scope = ${scope} AND path = ANY(${removed}::text[])`;
  for (const f of put)
    await sql`INSERT INTO pod_files (sandbox_id, pod_uid, scope, path, kind, mode, content)
      SELECT ${sandboxId}::uuid, ${podUid}::text, ${scope}::text, ${f.path}::text, ${f.kind}::text,
        ${f.mode}::int, ${f.content}::bytea
      WHERE ${ownerExists(sql, sandboxId, podUid)}
      ON CONFLICT (sandbox_id, pod_uid, scope, path)
      DO UPDATE SET kind = EXCLUDED.kind, mode = EXCLUDED.mode, content = EXCLUDED.content`;
}

/** Bytes a pod's scopes hold (the storage a writable layer costs). */
export async function storedBytes(sql: Queryable, sandboxId: string, podUid: string): Promise<number> {
  const [row] = await sql<{ bytes: string | null }[]>`
    SELECT sum(pg_column_size(pod_files.*))::bigint AS bytes FROM pod_files
    WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid}`;
  return Number(row?.bytes ?? 0);
}

/** Where to look for stored entries: an owner's scope, at some paths. */
export interface EntryLookup {
  owner: string;
  scope: string;
  paths: string[];
}

/**
 * The stored entries at the given paths of several owners' scopes, in one statement (what a
 * server reads to serve one file: the file and its directories, in a layer and in a volume).
 */
export async function readEntries(
  sql: Queryable,
  sandboxId: string,
  lookups: EntryLookup[],
): Promise<(StoredFile & { owner: string; scope: string })[]> {
  const keys = lookups.flatMap((l) => l.paths.map((path) => [l.owner, l.scope, path] as const));
  if (!keys.length) return [];
  const rows = await sql<
    {
      owner: string;
      scope: string;
      path: string;
      kind: StoredFile["kind"];
      mode: number;
      content: Uint8Array;
    }[]
  >`
    SELECT f.pod_uid AS owner, f.scope, f.path, f.kind, f.mode, f.content FROM pod_files f
    JOIN unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[], ${keys.map((k) => k[2])}::text[])
      AS k(owner, scope, path) ON f.pod_uid = k.owner AND f.scope = k.scope AND f.path = k.path
    WHERE f.sandbox_id = ${sandboxId}`;
  return rows.map((r) => ({ ...r }));
}
