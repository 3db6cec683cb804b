import { describe, expect, it } from "vitest";
import { testDatabase } from "../support/db.ts";

const database = testDatabase();

describe("the objects table's GIN indexes", () => {
  it("write straight into their trees: no pending list for every scan to read (fastupdate off)", async () => {
    const rows = await database.sql<{ relname: string; reloptions: string[] | null }[]>`
      SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
      JOIN pg_am a ON a.oid = c.relam
      WHERE i.indrelid = 'objects'::regclass AND a.amname = 'gin' ORDER BY c.relname`;
    expect(rows.map((r) => r.relname)).toEqual(["objects_labels_idx", "objects_owner_refs_idx"]);
    for (const r of rows) expect(r.reloptions).toContain("fastupdate=false");
  });
});
