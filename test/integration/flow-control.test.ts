import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { testApp, testBaseUrl, testCaPem } from "../support/app.ts";
import { readWatch } from "../support/watch-stream.ts";

/**
 * Each caller's share of the service (api/flow-control/): two seats, and one request of each flow
 * may wait; the wait is long, so a queued request stays queued until the test frees a seat.
 */
const t = testApp({ flowControl: { seats: 2, queueLength: 1, queueWaitSeconds: 60 } });

const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A request whose body is sent in two parts, the second only on `finish()`: it holds its seat
 * meanwhile. `seated` resolves once its handler reads the body, which it does only once seated.
 */
function hold(send: (init: RequestInit) => Promise<Response>, head: string, tail: string) {
  let seated = () => {};
  let finish = () => {};
  const inHandler = new Promise<void>((r) => {
    seated = r;
  });
  const finished = new Promise<void>((r) => {
    finish = r;
  });
  let sentHead = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(encode(head));
          seated();
          return;
        }
        await finished;
        controller.enqueue(encode(tail));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const res = send({
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  return { res, seated: inHandler, finish };
}

/** Holds a seat of the sandbox token's flow with a ConfigMap create. */
function holdCreate(sb: { sandboxId: string; sandboxToken: string }) {
  return hold(
    (init) => t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/configmaps", init),
    '{"apiVersion":"v1",',
    '"kind":"ConfigMap","metadata":{"generateName":"held-"}}',
  );
}

/** The first of two requests to settle, and the other. */
async function firstOf(a: Promise<Response>, b: Promise<Response>) {
  const first = await Promise.race([a.then(() => "a" as const), b.then(() => "b" as const)]);
  return first === "a" ? { settled: await a, pending: b } : { settled: await b, pending: a };
}

describe("a flow past its share", () => {
  it("waits in its queue, then gets the API server's 429; another caller is served meanwhile", async () => {
    const flood = await t.newSandbox("flood");
    const quiet = await t.newSandbox("quiet");
    const holds = [holdCreate(flood), holdCreate(flood)];
    await Promise.all(holds.map((h) => h.seated));
    // Both seats are the flood's: its next request waits, the one after is refused.
    const sent = performance.now();
    const race = await firstOf(
      t.kube(flood.sandboxId, flood.sandboxToken, "/api/v1/namespaces"),
      t.kube(flood.sandboxId, flood.sandboxToken, "/api/v1/namespaces"),
    );
    expect(race.settled.status).toBe(429);
    expect(race.settled.headers.get("retry-after")).toBe("1");
    // Answered no sooner than its Retry-After: a client retrying at once costs a refusal a second.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(990);
    expect(race.settled.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await race.settled.text()).toBe("Too many requests, please try again later.\n");
    // Another tenant, and the flood's owner through GraphQL (a flow of its own), are not kept waiting.
    const other = await t.kube(quiet.sandboxId, quiet.sandboxToken, "/api/v1/namespaces/default/configmaps", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "served" } }),
    });
    expect(other.status).toBe(201);
    expect((await t.gql("{ sandboxes { id } }", {}, flood.userToken)).data.sandboxes).toHaveLength(1);
    // The seats given back, the queued request is served.
    for (const h of holds) h.finish();
    for (const h of holds) expect((await h.res).status).toBe(201);
    expect((await race.pending).status).toBe(200);
  });

  it("on GraphQL, gets the 429 as a typed error", async () => {
    const { userToken } = await t.newSandbox("graphql-flood");
    const send = (init: RequestInit) =>
      t.request("/graphql", {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${userToken}` },
      });
    const holds = [1, 2].map(() => hold(send, '{"query":', '"{ sandboxes { id } }"}'));
    await Promise.all(holds.map((h) => h.seated));
    const query = () =>
      send({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ sandboxes { id } }" }),
      });
    const race = await firstOf(query(), query());
    expect(race.settled.status).toBe(429);
    expect(race.settled.headers.get("retry-after")).toBe("1");
    expect(await race.settled.json()).toEqual({
      errors: [
        { message: "Too many requests, please try again later.", extensions: { code: "RATE_LIMITED" } },
      ],
    });
    for (const h of holds) h.finish();
    for (const h of holds) expect((await h.res).status).toBe(200);
    expect((await race.pending).status).toBe(200);
  });
});

describe("flows", () => {
  it("of anonymous callers are their addresses; a token that does not verify makes no flow of its own", async () => {
    const from = (address: string, token: string) => async (init: RequestInit) =>
      t.app.request(
        "/graphql",
        {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
        },
        { clientAddress: address },
      );
    const holds = ["forged-1", "forged-2"].map((token) =>
      hold(from("192.0.2.1", token), '{"query":', '"{ __typename }"}'),
    );
    await Promise.all(holds.map((h) => h.seated));
    const query = (address: string, token: string) =>
      from(
        address,
        token,
      )({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    const race = await firstOf(query("192.0.2.1", "forged-3"), query("192.0.2.1", "forged-4"));
    expect(race.settled.status).toBe(429);
    expect((await query("192.0.2.2", "forged-5")).status).toBe(200);
    for (const h of holds) h.finish();
    expect((await race.pending).status).toBe(200);
  });

  it("count a watch only until its stream starts: open watches hold no seat", async () => {
    // One seat, and a request waits a second at most: were a watch holding its seat, the next would be refused.
    const app = createApp({
      database: t.database,
      feed: t.feed,
      auth: t.auth,
      server: { baseUrl: testBaseUrl, caPem: testCaPem },
      ready: () => true,
      flowControl: { seats: 1, queueLength: 1, queueWaitSeconds: 1 },
    });
    const sb = await t.newSandbox("watcher");
    const kube = (path: string) =>
      app.request(`/sandboxes/${sb.sandboxId}${path}`, {
        headers: { authorization: `Bearer ${sb.sandboxToken}` },
      });
    const watches = [];
    for (let i = 0; i < 3; i++) {
      const res = await kube("/api/v1/namespaces/default/configmaps?watch=1");
      expect(res.status).toBe(200);
      watches.push(readWatch(res));
    }
    expect((await kube("/api/v1/namespaces/default/configmaps")).status).toBe(200);
    for (const w of watches) await w.cancel();
  });
});
