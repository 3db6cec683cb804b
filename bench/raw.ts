import postgres from "postgres";
import { type BenchSandbox, benchPod, kube } from "./client.ts";
import type { BenchService as Service } from "./service.ts";
import { throughput } from "./stats.ts";

/**
 * The machine's limit: single-row INSERT + COMMIT transactions per second on the same Postgres
 * with postgres.js, at the same concurrency the API run uses.
 */
export async function rawInsertsPerSecond(
  url: string,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const sql = postgres(url, { max: concurrency, onnotice: () => {} });
  await sql`CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, body jsonb NOT NULL)`;
  const body = JSON.stringify(benchPod("raw"));
  const rate = await throughput(
    concurrency,
    seconds,
    () => sql`INSERT INTO bench_raw (body) VALUES (${body}::jsonb)`,
  );
  await sql`DROP TABLE bench_raw`;
  await sql.end();
  return rate;
}

/** Pod creates per second through the API, spread over `sandboxes` (each has its own write lock). */
export async function podCreatesPerSecond(
  service: Service,
  sandboxes: BenchSandbox[],
  concurrency: number,
  seconds: number,
  /** Keeps the pods' names apart between runs on the same sandboxes. */
  tag: string,
): Promise<number> {
  return throughput(concurrency, seconds, (i) => {
    const sb = sandboxes[i % sandboxes.length] as BenchSandbox;
    return kube(service, sb, "/api/v1/namespaces/default/pods", {
      method: "POST",
      body: JSON.stringify(benchPod(`rate-${tag}-${i}`, { app: "rate" })),
    });
  });
}
