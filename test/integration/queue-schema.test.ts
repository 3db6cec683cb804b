import { describe, expect, it } from "vitest";
import { migrateQueue } from "../../workers/queue/runner.ts";
import { testDatabase } from "../support/db.ts";

const database = testDatabase();

/** What graphile-worker's add_jobs runs with (its SET clauses), as pg_proc holds them. */
async function addJobsSettings(): Promise<string[]> {
  const [row] = await database.sql<{ config: string[] | null }[]>`
    SELECT proconfig AS config FROM pg_proc
    WHERE oid = 'graphile_worker.add_jobs(graphile_worker.job_spec[], boolean)'::regprocedure`;
  return row?.config ?? [];
}

describe("the job queue's schema, as the service migrates it", () => {
  it("plans add_jobs' statements generically, and sets that again after the function is replaced", async () => {
    expect(await addJobsSettings()).toContain("plan_cache_mode=force_generic_plan");
    // An upgrade of graphile-worker may replace the function, dropping its settings.
    await database.sql`ALTER FUNCTION graphile_worker.add_jobs(graphile_worker.job_spec[], boolean) RESET ALL`;
    expect(await addJobsSettings()).toEqual([]);
    await migrateQueue(database.url);
    expect(await addJobsSettings()).toContain("plan_cache_mode=force_generic_plan");
  });
});
