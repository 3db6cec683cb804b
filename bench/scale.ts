import postgres from "postgres";

/**
 * Fills the database with `count` more sandboxes shaped like `template` (its objects and change
 * log copied under new sandbox ids), in batches, straight in SQL: what matters for the scale
 * figure is the data the API's queries run against, not how it got there.
 */
export async function cloneSandboxes(
  url: string,
  template: string,
  count: number,
  batch = 1000,
): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    await sql.begin(async (tx) => {
      await tx`CREATE TEMP TABLE new_sandboxes ON COMMIT DROP AS SELECT gen_random_uuid() AS id, g FROM generate_series(1, ${n}::int) g`;
      await tx`
        INSERT INTO sandboxes (id, owner_id, name, revision)
        SELECT ns.id, s.owner_id, 'scale-' || ${done} || '-' || ns.g, s.revision
        FROM new_sandboxes ns, sandboxes s WHERE s.id = ${template}`;
      await tx`
        INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
        SELECT ns.id, o.resource, o.namespace, o.name, gen_random_uuid(), o.resource_version, o.body
        FROM new_sandboxes ns CROSS JOIN objects o WHERE o.sandbox_id = ${template}`;
      await tx`
        INSERT INTO changes (sandbox_id, revision, resource, namespace, name, type, object)
        SELECT ns.id, c.revision, c.resource, c.namespace, c.name, c.type, c.object
        FROM new_sandboxes ns CROSS JOIN changes c WHERE c.sandbox_id = ${template}`;
    });
  }
  // As a database that has been running: statistics up to date, and no autovacuum of the bulk
  // insert, nor the checkpoint its WAL calls for, left to run during the measurement.
  await sql`VACUUM (ANALYZE)`;
  await sql`CHECKPOINT`;
  await sql.end();
}

/** Bytes in Postgres for one sandbox's rows (objects, change log, its sandbox and token rows). */
export async function sandboxRowBytes(url: string, sandboxId: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ bytes: string }[]>`
    SELECT (SELECT coalesce(sum(pg_column_size(o.*)), 0) FROM objects o WHERE o.sandbox_id = ${sandboxId})
         + (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM changes c WHERE c.sandbox_id = ${sandboxId})
         + (SELECT coalesce(sum(pg_column_size(s.*)), 0) FROM sandboxes s WHERE s.id = ${sandboxId})
         + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM tokens t WHERE t.sandbox_id = ${sandboxId}) AS bytes`;
  await sql.end();
  return Number(row?.bytes ?? 0);
}

/** The database's size on disk, tables and indexes included. */
export async function databaseBytes(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ bytes: string }[]>`SELECT pg_database_size(current_database()) AS bytes`;
  await sql.end();
  return Number(row?.bytes ?? 0);
}
