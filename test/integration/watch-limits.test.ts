import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection.ts";
import { writeSandbox } from "../../db/store/transaction.ts";
import { testApp } from "../support/app.ts";
import { readWatch, within } from "../support/watch-stream.ts";

/** Watches and requests per token, watch timeouts, slow readers, and the cost of many watches. */
const t = testApp({
  limits: {
    watchesPerToken: 3,
    requestsPerToken: 2,
    watchTimeoutSeconds: 2,
    bodyBytesPerTokenPerSecond: 1_000_000,
  },
});
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
let other: Awaited<ReturnType<typeof t.newSandbox>>;

beforeAll(async () => {
  sb = await t.newSandbox("watches");
  other = await t.newSandbox("neighbour");
});

const watchPath = "/api/v1/namespaces/default/configmaps?watch=1";

function configMap(name: string, size = 10) {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name },
      data: { v: "x".repeat(size) },
    }),
  };
}

describe("timeoutSeconds", () => {
  it("is cut to the service's limit: a watch asking an hour ends after the limit", async () => {
    const w = readWatch(await t.kube(sb.sandboxId, sb.sandboxToken, `${watchPath}&timeoutSeconds=3600`));
    expect(await within(w.ended, 4000)).toBe(true);
  });

  it("past what a timer holds (1e12 s) it is cut too, not overflowed into closing at once", async () => {
    const w = readWatch(
      await t.kube(sb.sandboxId, sb.sandboxToken, `${watchPath}&timeoutSeconds=1000000000000`),
    );
    expect(await within(w.ended, 500)).toBe(false);
    await w.cancel();
  });
});

describe("watches per token", () => {
  it("past the limit a watch gets the API server's 429 with Retry-After; a closed one frees its slot", async () => {
    const open = await Promise.all(
      [1, 2, 3].map(async () => readWatch(await t.kube(sb.sandboxId, sb.sandboxToken, watchPath))),
    );
    const refused = await t.kube(sb.sandboxId, sb.sandboxToken, watchPath);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({
      kind: "Status",
      reason: "TooManyRequests",
      message: "Too many requests, please try again later.",
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
    // Another tenant is not affected, nor are this token's other requests.
    const neighbour = await t.kube(other.sandboxId, other.sandboxToken, watchPath);
    expect(neighbour.status).toBe(200);
    await neighbour.body?.cancel();
    expect((await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces")).status).toBe(200);
    await open[0]?.cancel();
    await new Promise((r) => setTimeout(r, 20));
    const again = await t.kube(sb.sandboxId, sb.sandboxToken, watchPath);
    expect(again.status).toBe(200);
    await again.body?.cancel();
    for (const w of open.slice(1)) await w.cancel();
  });
});

describe("requests per token", () => {
  it("past the limit in progress, a request gets 429; other tokens do not wait", async () => {
    // Two creates whose bodies never end hold the token's two slots.
    const holds = [1, 2].map(() => {
      let close = () => {};
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"apiVersion":"v1",'));
          close = () => {
            controller.enqueue(
              new TextEncoder().encode('"kind":"ConfigMap","metadata":{"generateName":"h-"}}'),
            );
            controller.close();
          };
        },
      });
      const res = t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/configmaps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);
      return { res, close: () => close() };
    });
    await new Promise((r) => setTimeout(r, 50));
    const refused = await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await t.kube(other.sandboxId, other.sandboxToken, "/api/v1/namespaces")).status).toBe(200);
    for (const h of holds) h.close();
    for (const h of holds) expect((await h.res).status).toBe(201);
    expect((await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces")).status).toBe(200);
  });
});

describe("request-body bytes per token", () => {
  it("past its budget (two 3 MiB bodies, then 1 MB/s) a body is refused with 429; others are not", async () => {
    const big = (name: string) => configMap(name, 1_000_000);
    const padded = (name: string) => ({ ...big(name), body: `${big(name).body}${" ".repeat(1_500_000)}` });
    const spender = await t.newSandbox("spender");
    const sent = [];
    for (const name of ["b1", "b2", "b3"])
      sent.push(
        (
          await t.kube(
            spender.sandboxId,
            spender.sandboxToken,
            "/api/v1/namespaces/default/configmaps",
            padded(name),
          )
        ).status,
      );
    expect(sent).toEqual([201, 201, 429]);
    expect(
      (
        await t.kube(
          other.sandboxId,
          other.sandboxToken,
          "/api/v1/namespaces/default/configmaps",
          padded("o1"),
        )
      ).status,
    ).toBe(201);
    // Small requests still fit.
    expect((await t.kube(spender.sandboxId, spender.sandboxToken, "/api/v1/namespaces")).status).toBe(200);
  });
});

describe("many watches of one sandbox", () => {
  /** Opens four watches of the sandbox, runs `write`, and counts the change-log reads it took. */
  async function changeReadsOf(write: () => Promise<void>, name: string): Promise<number> {
    // One sandbox, watched twice with its kubeconfig's token and twice with its owner's login token.
    const watches = await Promise.all(
      [sb.sandboxToken, sb.sandboxToken, sb.userToken, sb.userToken].map(async (token) =>
        readWatch(await t.kube(sb.sandboxId, token, `${watchPath}&resourceVersion=${await revision()}`)),
      ),
    );
    const original = t.database.sql;
    let changeReads = 0;
    t.database.sql = new Proxy(original, {
      apply(target, self, args) {
        const strings = args[0] as TemplateStringsArray | undefined;
        if (Array.isArray(strings) && strings.join("").includes("FROM changes")) changeReads++;
        return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, self, args);
      },
    });
    try {
      await write();
      for (const w of watches) expect(await w.waitFor(1)).toBe(true);
    } finally {
      t.database.sql = original;
    }
    for (const w of watches) {
      expect(w.events[0]).toMatchObject({ type: "ADDED", object: { metadata: { name } } });
      await w.cancel();
    }
    return changeReads;
  }

  it("a write of this process wakes them all with no read of the change log: they take its commit", async () => {
    const reads = await changeReadsOf(async () => {
      const created = await t.kube(
        sb.sandboxId,
        sb.sandboxToken,
        "/api/v1/namespaces/default/configmaps",
        configMap("one"),
      );
      expect(created.status).toBe(201);
    }, "one");
    expect(reads).toBe(0);
  });

  it("a write of another process wakes them all with one read of the change log between them", async () => {
    // Another process's pool: the same database, not this process's commits.
    const elsewhere = connect(
      `${t.database.url}${t.database.url.includes("?") ? "&" : "?"}application_name=elsewhere`,
      1,
    );
    try {
      const reads = await changeReadsOf(async () => {
        await writeSandbox(elsewhere, sb.sandboxId, (w) =>
          w.create(
            { resource: "configmaps", namespace: "default", name: "two" },
            {
              apiVersion: "v1",
              kind: "ConfigMap",
              metadata: { name: "two", namespace: "default", uid: randomUUID() },
            },
          ),
        );
      }, "two");
      expect(reads).toBe(1);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("a slow reader", () => {
  it("is served from the change log as it reads, not buffered whole in the server", async () => {
    const slow = await t.newSandbox("slow");
    const from = await revisionOf(slow.sandboxId);
    const res = await t.kube(
      slow.sandboxId,
      slow.sandboxToken,
      `${watchPath}&resourceVersion=${from}&timeoutSeconds=60`,
    );
    // Ten changes of 100 KB, none read yet: four times what a watch may hold for its reader.
    for (let i = 0; i < 10; i++)
      expect(
        (
          await t.kube(
            slow.sandboxId,
            slow.sandboxToken,
            "/api/v1/namespaces/default/configmaps",
            configMap(`c${i}`, 100_000),
          )
        ).status,
      ).toBe(201);
    await new Promise((r) => setTimeout(r, 300));
    // The log forgets them: what the watch had not taken from it is gone (410 Expired, as the
    // API server tells a watcher it cannot keep up with).
    await t.database.sql`UPDATE sandboxes SET compacted_revision = revision WHERE id = ${slow.sandboxId}`;
    await t.database.sql`DELETE FROM changes WHERE sandbox_id = ${slow.sandboxId}`;
    const w = readWatch(res);
    expect(await within(w.ended, 5000)).toBe(true);
    const added = w.events.filter((e) => e.type === "ADDED").length;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(10);
    expect(w.events.at(-1)).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
  });
});

async function revisionOf(sandboxId: string): Promise<number> {
  const [row] = await t.database.sql<
    { revision: string }[]
  >`SELECT revision FROM sandboxes WHERE id = ${sandboxId}`;
  return Number(row?.revision);
}

function revision(): Promise<number> {
  return revisionOf(sb.sandboxId);
}
