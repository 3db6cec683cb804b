import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { releaseDeadPools } from "../../workers/queue/liveness.ts";
import { testDatabase } from "../support/db.ts";

// A worker process killed mid-job leaves its job locked; the liveness sweep frees it.
const database = testDatabase();

async function lockedJob(pool: string, lockedSecondsAgo: number): Promise<string> {
  const key = `liveness-test:${randomUUID()}`;
  await database.sql`SELECT graphile_worker.add_job('liveness_probe', '{}'::json, job_key => ${key})`;
  await database.sql`
    UPDATE graphile_worker._private_jobs
    SET locked_by = ${pool}, locked_at = now() - make_interval(secs => ${lockedSecondsAgo})
    WHERE key = ${key}`;
  return key;
}
async function lockOf(key: string) {
  const [row] = await database.sql<{ locked_by: string | null }[]>`
    SELECT locked_by FROM graphile_worker.jobs WHERE key = ${key}`;
  return row?.locked_by;
}

describe("the sweep for dead worker pools", () => {
  it("unlocks the jobs of a pool nobody holds the liveness lock of", async () => {
    const key = await lockedJob("pool-dead-one", 60);
    expect(await releaseDeadPools(database.sql)).toContain("pool-dead-one");
    expect(await lockOf(key)).toBeNull();
    await database.sql`SELECT graphile_worker.remove_job(${key})`;
  });

  it("leaves a live pool's jobs locked, and a pool that only just started", async () => {
    const alive = await database.sql.reserve();
    try {
      await alive`SELECT pg_advisory_lock(${0x6b736277}, hashtext('pool-alive'))`;
      const held = await lockedJob("pool-alive", 60);
      const young = await lockedJob("pool-young", 0);
      const released = await releaseDeadPools(database.sql);
      expect(released).not.toContain("pool-alive");
      expect(released).not.toContain("pool-young");
      expect(await lockOf(held)).toBe("pool-alive");
      expect(await lockOf(young)).toBe("pool-young");
      await database.sql`SELECT graphile_worker.force_unlock_workers(${["pool-alive", "pool-young"]}::text[])`;
      for (const key of [held, young]) await database.sql`SELECT graphile_worker.remove_job(${key})`;
    } finally {
      await alive`SELECT pg_advisory_unlock_all()`;
      alive.release();
    }
  });
});
