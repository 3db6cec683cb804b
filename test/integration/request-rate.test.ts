import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

/** Requests per token per second: past a burst, a token is told to wait; others are not. */
const t = testApp({ limits: { requestsPerTokenPerSecond: 20 } });
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
let other: Awaited<ReturnType<typeof t.newSandbox>>;

beforeAll(async () => {
  sb = await t.newSandbox("flood");
  other = await t.newSandbox("neighbour");
});

const path = "/api/v1/namespaces/default";

describe("requests per token per second", () => {
  it("past the burst of 300 and the rate, a request gets the API server's 429; another token is served", async () => {
    const started = Date.now();
    const statuses: number[] = [];
    let refused: Response | null = null;
    // Ten at a time, as fast as answered: the burst, then 20/s, cannot cover 400.
    for (let i = 0; i < 40; i++)
      for (const res of await Promise.all(
        Array.from({ length: 10 }, () => t.kube(sb.sandboxId, sb.sandboxToken, path)),
      )) {
        statuses.push(res.status);
        if (res.status === 429) refused ??= res;
        else await res.body?.cancel();
      }
    const seconds = (Date.now() - started) / 1000;
    const served = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(served).toBeGreaterThanOrEqual(300);
    expect(served).toBeLessThanOrEqual(300 + Math.ceil(20 * seconds) + 1);
    expect(statuses.filter((s) => s === 429).length).toBe(400 - served);

    if (!refused) throw new Error("no request was refused");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({
      kind: "Status",
      reason: "TooManyRequests",
      message: "Too many requests, please try again later.",
      code: 429,
    });
    expect((await t.kube(other.sandboxId, other.sandboxToken, path)).status).toBe(200);
    // The budget refills: after the wait it asked for, the token is served again.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await t.kube(sb.sandboxId, sb.sandboxToken, path)).status).toBe(200);
  });
});
