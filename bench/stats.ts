/** p50/p99 (ms) and count of a set of samples. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
}

/** The nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Summarises latency samples in milliseconds, rounded to 0.01 ms. */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
}

/** `numerator / denominator` to two decimals: how the bench states a ratio. */
export function ratio(numerator: number, denominator: number): number {
  return Math.round((numerator / denominator) * 100) / 100;
}

/** Times `fn` `n` times (sequentially), in milliseconds. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    out.push(performance.now() - start);
  }
  return out;
}

/** Runs `fn` from `concurrency` loops for `seconds`; returns completed calls per second. */
export async function throughput(
  concurrency: number,
  seconds: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn(next++);
        done++;
      }
    }),
  );
  return Math.round(done / seconds);
}

/** BENCH_QUICK=1: a smoke run with few samples, to check the bench works, not to measure. */
export const quick = process.env.BENCH_QUICK === "1";

/** How many samples to take: `full`, or a handful in a quick run. */
export function samples(full: number): number {
  return quick ? Math.max(3, Math.ceil(full / 25)) : full;
}
