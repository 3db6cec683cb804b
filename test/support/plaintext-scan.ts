import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { promisify } from "node:util";
import type { Sql } from "../../db/sql.ts";

const run = promisify(execFile);

/** Every ordinary table of the database, schema-qualified (Postgres' own catalogs left out). */
export async function allTables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ schema: string; name: string }[]>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2`;
  return rows.map((r) => `${r.schema}.${r.name}`);
}

/** "table: needle" for every table with a row whose text holds a needle; [] when none does. */
export async function rowsContaining(sql: Sql, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const table of await allTables(sql)) {
    const [schema = "", name = ""] = table.split(".");
    for (const needle of needles) {
      const [row] = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM ${sql(schema)}.${sql(name)} x WHERE strpos(x::text, ${needle}) > 0`;
      if (row?.n) hits.push(`${table}: ${needle}`);
    }
  }
  return hits;
}

/** The pg_dump binaries on this machine, newest first. */
function pgDumps(): string[] {
  const versions = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a))
    : [];
  return [...versions.map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`), "pg_dump"].filter(
    (p) => p === "pg_dump" || existsSync(p),
  );
}

/**
 * A plain-SQL pg_dump of the database, or null with the reason when no pg_dump here can dump it
 * (pg_dump refuses servers of a newer major version than its own).
 */
export async function pgDump(url: string): Promise<{ dump: string } | { dump: null; reason: string }> {
  let reason = "no pg_dump found";
  for (const bin of pgDumps()) {
    try {
      const { stdout } = await run(bin, ["--no-owner", `--dbname=${url}`], { maxBuffer: 512 * 1024 * 1024 });
      return { dump: stdout };
    } catch (err) {
      reason = `${bin}: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`;
    }
  }
  return { dump: null, reason };
}
