import { beforeAll, describe, expect, it } from "vitest";
import { isNameTaken } from "../../db/store.ts";
import type { KubeObject } from "../../kube/object.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { testApp } from "../support/app.ts";

/** A transaction's held writes (SandboxWriter.batch) land as if written one by one. */
const t = testApp();
let sandbox = "";

const cm = (name: string, value: string): KubeObject & { data: { value: string } } => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", uid: crypto.randomUUID() },
  data: { value },
});
const key = (name: string) => ({ resource: "configmaps", namespace: "default", name });

async function changes(name: string) {
  return t.database.sql<{ revision: string; type: string; value: string }[]>`
    SELECT revision, type, object -> 'data' ->> 'value' AS value FROM changes
    WHERE sandbox_id = ${sandbox} AND resource = 'configmaps' AND name = ${name} ORDER BY revision`;
}
async function stored(name: string) {
  const [row] = await t.database.sql<{ rv: string; value: string }[]>`
    SELECT resource_version AS rv, body -> 'data' ->> 'value' AS value FROM objects
    WHERE sandbox_id = ${sandbox} AND resource = 'configmaps' AND name = ${name}`;
  return row;
}

beforeAll(async () => {
  sandbox = (await t.newSandbox("batch")).sandboxId;
});

describe("held writes", () => {
  it("store the last state of each object and a change-log row per write, in revision order", async () => {
    const revs = await inSandbox(t.database, sandbox, async (w) =>
      w.batch(async () => {
        const a = cm("held-a", "1");
        await w.createAll([{ key: key("held-a"), obj: a }]);
        const b = { ...structuredClone(a), data: { value: "2" } };
        await w.update(key("held-a"), b, a);
        // A change to the caller's copy after the write does not reach what was written.
        b.data.value = "mutated";
        const c = cm("held-c", "x");
        await w.createAll([{ key: key("held-c"), obj: c }]);
        const c2 = { ...structuredClone(c), data: { value: "y" } };
        await w.update(key("held-c"), c2, c);
        const c3 = { ...structuredClone(c2), data: { value: "z" } };
        await w.update(key("held-c"), c3, c2);
        return [a, b, c, c2, c3].map((o) => Number(o.metadata.resourceVersion));
      }),
    );
    expect(revs.every((r, i) => i === 0 || r === (revs[i - 1] as number) + 1)).toBe(true);
    expect((await changes("held-a")).map((c) => [c.type, c.value])).toEqual([
      ["ADDED", "1"],
      ["MODIFIED", "2"],
    ]);
    expect(await stored("held-a")).toEqual({ rv: String(revs[1]), value: "2" });
    expect((await changes("held-c")).map((c) => [c.type, c.value])).toEqual([
      ["ADDED", "x"],
      ["MODIFIED", "y"],
      ["MODIFIED", "z"],
    ]);
    expect(await stored("held-c")).toEqual({ rv: String(revs[4]), value: "z" });
  });

  it("are sent before a read through the writer, and updates an object stored before", async () => {
    await inSandbox(t.database, sandbox, (w) =>
      w.createAll([{ key: key("held-b"), obj: cm("held-b", "0") }]),
    );
    const seen = await inSandbox(t.database, sandbox, async (w) =>
      w.batch(async () => {
        const before = await w.get(key("held-b"));
        if (!before) throw new Error("held-b missing");
        const next = { ...structuredClone(before), data: { value: "1" } };
        await w.update(key("held-b"), next, before);
        return (await w.get(key("held-b")))?.data;
      }),
    );
    expect(seen).toEqual({ value: "1" });
    expect((await stored("held-b"))?.value).toBe("1");
  });

  it("are lost with their transaction", async () => {
    await expect(
      inSandbox(t.database, sandbox, (w) =>
        w.batch(async () => {
          await w.createAll([{ key: key("held-gone"), obj: cm("held-gone", "1") }]);
          throw new Error("changed my mind");
        }),
      ),
    ).rejects.toThrow("changed my mind");
    expect(await stored("held-gone")).toBeUndefined();
    expect(await changes("held-gone")).toEqual([]);
  });
});

async function revision(): Promise<number> {
  const [row] = await t.database.sql<
    { revision: string }[]
  >`SELECT revision FROM sandboxes WHERE id = ${sandbox}`;
  return Number(row?.revision);
}
async function queued(key: string): Promise<number> {
  const [row] = await t.database.sql<{ n: string }[]>`
    SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE key = ${`${sandbox}:scheduler:${key}`}`;
  return Number(row?.n);
}

describe("the last round trip (held writes, revision and jobs, commit, sent together)", () => {
  it("lands nothing when a held create meets a taken name, and says the name is taken", async () => {
    await inSandbox(t.database, sandbox, (w) =>
      w.createAll([{ key: key("taken"), obj: cm("taken", "first") }]),
    );
    const before = await revision();
    const err = await inSandbox(t.database, sandbox, async (w) => {
      await w.batch(
        async () => {
          await w.createAll([{ key: key("fresh-beside-taken"), obj: cm("fresh-beside-taken", "1") }]);
          await w.createAll([{ key: key("taken"), obj: cm("taken", "second") }]);
        },
        { untilCommit: true },
      );
      w.enqueue({ task: "scheduler", key: "default/would-be", payload: {} });
    }).catch((e: unknown) => e);
    expect(isNameTaken(err)).toBe(true);
    expect(await revision()).toBe(before);
    expect(await stored("fresh-beside-taken")).toBeUndefined();
    expect(await changes("fresh-beside-taken")).toEqual([]);
    expect((await stored("taken"))?.value).toBe("first");
    expect(await queued("default/would-be")).toBe(0);
  });

  it("commits held writes, the revision and the jobs together when all goes well", async () => {
    const before = await revision();
    await inSandbox(t.database, sandbox, async (w) => {
      await w.batch(() => w.createAll([{ key: key("sent-last"), obj: cm("sent-last", "1") }]), {
        untilCommit: true,
      });
      w.enqueue({ task: "scheduler", key: "default/sent-last", payload: {} });
    });
    expect(await revision()).toBe(before + 1);
    expect(await stored("sent-last")).toEqual({ rv: String(before + 1), value: "1" });
    expect(await queued("default/sent-last")).toBe(1);
  });

  it("keeps writes held past the batch until a read through the writer needs them", async () => {
    const seen = await inSandbox(t.database, sandbox, async (w) => {
      await w.batch(() => w.createAll([{ key: key("read-back"), obj: cm("read-back", "1") }]), {
        untilCommit: true,
      });
      return (await w.get(key("read-back")))?.data;
    });
    expect(seen).toEqual({ value: "1" });
  });
});

describe("early reads (sent with the lock)", () => {
  it("answer the first get of their key, and a write in between makes the get read again", async () => {
    await inSandbox(t.database, sandbox, (w) => w.createAll([{ key: key("early"), obj: cm("early", "1") }]));
    const seen = await inSandbox(
      t.database,
      sandbox,
      async (w) => {
        // Behind the writer's back (no lock), after the early read: its get shows the row as
        // read with the lock, not as it is now.
        await t.database.sql`
          UPDATE objects SET body = jsonb_set(body, '{data,value}', '"behind"')
          WHERE sandbox_id = ${sandbox} AND resource = 'configmaps' AND name = 'early'`;
        const first = await w.get(key("early"));
        if (!first) throw new Error("early missing");
        const next = { ...structuredClone(first), data: { value: "2" } };
        await w.update(key("early"), next, first);
        return [first.data, (await w.get(key("early")))?.data];
      },
      (w) => w.prefetch(key("early")),
    );
    expect(seen).toEqual([{ value: "1" }, { value: "2" }]);
  });

  it("of a sandbox that does not exist run nothing and fail nothing", async () => {
    await expect(
      inSandbox(
        t.database,
        crypto.randomUUID(),
        async () => "never",
        (w) => w.prefetch(key("anything")),
      ),
    ).rejects.toThrow("the sandbox no longer exists");
  });
});
