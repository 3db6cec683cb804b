import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";
import { type TlsFetch, tlsFetch } from "../support/tls-fetch.ts";

// A token's watches are capped (LIMIT_WATCHES_PER_TOKEN, 50 by default): past the cap a watch is
// refused (429, Retry-After: 1). One that asks again within that second is refused below the app
// (server/penalty-box.ts), even if a watch has ended meanwhile; after it, the app decides afresh.
const cluster = useSandbox("penalty-box");
const cap = 50;
let fetchTls: TlsFetch;
let token = "";
const held: AbortController[] = [];
const watchUrl = () =>
  `${cluster.service.https}/sandboxes/${cluster.sandbox.id}/api/v1/namespaces/default/configmaps?watch=1`;
const watch = (signal?: AbortSignal) =>
  fetchTls(watchUrl(), { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });

beforeAll(async () => {
  fetchTls = tlsFetch(await readFile(join(cluster.service.dataDir, "tls", "ca.crt"), "utf8"));
  token = /token: (\S+)/.exec(await readFile(cluster.sandbox.path, "utf8"))?.[1] ?? "";
  for (let i = 0; i < cap; i++) {
    const abort = new AbortController();
    const res = await watch(abort.signal);
    expect(res.status).toBe(200);
    held.push(abort);
  }
});

afterAll(() => {
  for (const abort of held) abort.abort();
});

describe("a caller that asks again before its 429's Retry-After", () => {
  it("is refused for that second with the same Status, though a slot freed; then the app admits it", async () => {
    const refused = await watch();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    const status = await refused.json();
    expect(status).toMatchObject({ kind: "Status", reason: "TooManyRequests", code: 429 });

    // A slot frees, but the caller was told to wait: the box refuses it, in the same words.
    held.pop()?.abort();
    const asked = performance.now();
    const early = await watch();
    expect(early.status).toBe(429);
    expect(await early.json()).toEqual(status);
    // Answered no sooner than its own Retry-After (the box holds it as the flow control does).
    expect(performance.now() - asked).toBeGreaterThanOrEqual(990);

    // Its other requests were never refused, and the watch is admitted once the second has passed.
    const list = await fetchTls(watchUrl().replace("?watch=1", ""), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    const abort = new AbortController();
    const admitted = await watch(abort.signal);
    expect(admitted.status).toBe(200);
    held.push(abort);
  });
});
