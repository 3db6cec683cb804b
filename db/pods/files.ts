import { blockSize } from "../../kube/runtime/shell/disk-space.ts";
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

/**
 * Bytes a stored entry takes against the file budgets, in SQL (kube/runtime/shell/disk-space.ts
 * counts the same in a request): whole 4 KiB blocks, one at least; a whiteout (bounded by the
 * image) and a main scope's marker ("/") nothing. octet_length reads a TOASTed value's header only.
 */
function entryBytesSql(alias: string): string {
  return `(CASE WHEN ${alias}.kind = 'whiteout' OR ${alias}.path = '/' THEN 0
    ELSE greatest(1, ceil(octet_length(${alias}.content) / ${blockSize}.0))::bigint * ${blockSize} END)`;
}

/**
 * The bytes of files a pod keeps and its whole sandbox keeps (pod_bytes, sandbox_bytes), as a
 * query to use inside a statement; the sandbox's rows are read only when `wanted`.
 */
function fileUsage(sql: Queryable, sandboxId: string, podUid: string, wanted = true) {
  const bytes = sql.unsafe(entryBytesSql("u"));
  return sql`SELECT coalesce(sum(${bytes}) FILTER (WHERE u.pod_uid = ${podUid}), 0) AS pod_bytes,
      coalesce(sum(${bytes}), 0) AS sandbox_bytes
    FROM pod_files u WHERE u.sandbox_id = ${sandboxId} AND ${wanted}`;
}

/** Bytes of files kept: by one pod, and by all the pods and nodes of its sandbox. */
export interface FileUsage {
  podBytes: number;
  sandboxBytes: number;
}

/** The most a pod's files, and a sandbox's, may take (pods/file-budget.ts). */
export interface FileBudget {
  podBytes: number;
  sandboxBytes: number;
}

/**
 * loadFiles, with what the pod and its sandbox keep, in the same statement: the room an exec
 * may write in. The sandbox's sum reads every file row of it, but no more of them than its
 * budget allows (a block each at least): 65 536 at the default.
 */
export async function loadFilesWithUsage(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  scopes: string[],
): Promise<{ files: Map<string, StoredFile[]>; usage: FileUsage }> {
  const files = new Map<string, StoredFile[]>(scopes.map((s) => [s, []]));
  const rows = await sql<
    {
      pod_bytes: string;
      sandbox_bytes: string;
      scope: string | null;
      path: string;
      kind: StoredFile["kind"];
      mode: number;
      content: Uint8Array;
    }[]
  >`
    WITH usage AS (${fileUsage(sql, sandboxId, podUid)})
    SELECT usage.pod_bytes, usage.sandbox_bytes, f.scope, f.path, f.kind, f.mode, f.content
    FROM usage LEFT JOIN pod_files f ON f.sandbox_id = ${sandboxId} AND f.pod_uid = ${podUid}
      AND f.scope = ANY(${scopes}::text[])`;
  for (const r of rows)
    if (r.scope !== null)
      files.get(r.scope)?.push({ path: r.path, kind: r.kind, mode: r.mode, content: r.content });
  const first = rows[0];
  return {
    files,
    usage: { podBytes: Number(first?.pod_bytes ?? 0), sandboxBytes: Number(first?.sandbox_bytes ?? 0) },
  };
}

/**
 * Writes a scope's changes: entries put (replacing), paths removed; nothing put once the pod is
 * gone. With a budget, entries are put in order while the pod's files (unless the owner is a
 * node) and the sandbox's stay within it, and the rest are left out: whether all were put. The
 * writes of one sandbox take turns (an advisory lock for the transaction), so two requests
 * saving at once cannot both take the last of the room.
 */
export async function saveFiles(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  scope: string,
  put: StoredFile[],
  removed: string[],
  budget?: FileBudget,
): Promise<boolean> {
  if (!put.length && !removed.length) return true;
  const write = async (tx: Queryable) => {
    if (budget) await tx`SELECT pg_advisory_xact_lock(hashtext(${`kubesandbox:pod-files:${sandboxId}`}))`;
    if (removed.length)
      await tx`DELETE FROM pod_files WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid}
        AND scope = ${scope} AND path = ANY(${removed}::text[])`;
    if (!put.length) return true;
    const podLimit = budget && !podUid.startsWith("node:") ? budget.podBytes : null;
    const sandboxLimit = budget ? budget.sandboxBytes : null;
    // Each entry's growth of the usage (its bytes less those of the entry it replaces), summed
    // in order: entries are put up to the first that would take either past its budget.
    const bytes = (alias: string) => tx.unsafe(entryBytesSql(alias));
    // The contents travel as one bytea and where each lies in it (postgres.js sends no bytea[]).
    const starts: number[] = [];
    let at = 1;
    for (const f of put) {
      starts.push(at);
      at += f.content.byteLength;
    }
    const blob = Buffer.concat(put.map((f) => f.content));
    const [row] = await tx<{ left_out: string }[]>`
      WITH put AS (
        SELECT path, kind, mode, substring(${blob}::bytea FROM start FOR length) AS content, ord
        FROM unnest(${put.map((f) => f.path)}::text[], ${put.map((f) => f.kind)}::text[],
          ${put.map((f) => f.mode)}::int[], ${starts}::int[], ${put.map((f) => f.content.byteLength)}::int[])
          WITH ORDINALITY AS p(path, kind, mode, start, length, ord)),
      grown AS (
        SELECT p.*, ${bytes("p")} - (CASE WHEN old.path IS NULL THEN 0 ELSE ${bytes("old")} END) AS bytes
        FROM put p LEFT JOIN pod_files old ON old.sandbox_id = ${sandboxId} AND old.pod_uid = ${podUid}
          AND old.scope = ${scope} AND old.path = p.path),
      usage AS (${fileUsage(tx, sandboxId, podUid, sandboxLimit !== null)}),
      running AS (SELECT g.*, sum(g.bytes) OVER (ORDER BY g.ord) AS total FROM grown g),
      fits AS (
        SELECT r.*, bool_and(r.total <= 0 OR (
            (${podLimit}::bigint IS NULL OR usage.pod_bytes + r.total <= ${podLimit}::bigint)
            AND (${sandboxLimit}::bigint IS NULL OR usage.sandbox_bytes + r.total <= ${sandboxLimit}::bigint)
          )) OVER (ORDER BY r.ord) AS fit
        FROM running r, usage),
      written AS (
        INSERT INTO pod_files (sandbox_id, pod_uid, scope, path, kind, mode, content)
        SELECT ${sandboxId}::uuid, ${podUid}::text, ${scope}::text, path, kind, mode, content FROM fits
        WHERE fit AND ${ownerExists(tx, sandboxId, podUid)}
        ON CONFLICT (sandbox_id, pod_uid, scope, path)
        DO UPDATE SET kind = EXCLUDED.kind, mode = EXCLUDED.mode, content = EXCLUDED.content
        RETURNING 1)
      SELECT count(*) FILTER (WHERE NOT fit) AS left_out FROM fits`;
    return Number(row?.left_out ?? 0) === 0;
  };
  return budget && "begin" in sql ? (sql.begin((tx) => write(tx)) as Promise<boolean>) : write(sql);
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
