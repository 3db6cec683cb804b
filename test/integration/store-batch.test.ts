import { beforeAll, describe, expect, it } from "vitest";
import { StatusError } from "../../kube/errors.ts";
import type { KubeObject } from "../../kube/object.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { testApp } from "../support/app.ts";

/** A transaction's held writes (SandboxWriter) land as if written one by one. */
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
    const revs = await inSandbox(t.database, sandbox, async (w) => {
      const a = cm("held-a", "1");
      await w.create(key("held-a"), a);
      const b = { ...structuredClone(a), data: { value: "2" } };
      await w.update(key("held-a"), b, a);
      // A change to the caller's copy after the write does not reach what was written.
      b.data.value = "mutated";
      const c = cm("held-c", "x");
      await w.create(key("held-c"), c);
      const c2 = { ...structuredClone(c), data: { value: "y" } };
      await w.update(key("held-c"), c2, c);
      const c3 = { ...structuredClone(c2), data: { value: "z" } };
      await w.update(key("held-c"), c3, c2);
      return [a, b, c, c2, c3].map((o) => Number(o.metadata.resourceVersion));
    });
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

  it("are sent before a read through the writer, and update an object stored before", async () => {
    await inSandbox(t.database, sandbox, (w) => w.create(key("held-b"), cm("held-b", "0")));
    const seen = await inSandbox(t.database, sandbox, async (w) => {
      const before = await w.get(key("held-b"));
      if (!before) throw new Error("held-b missing");
      const next = { ...structuredClone(before), data: { value: "1" } };
      await w.update(key("held-b"), next, before);
      return (await w.get(key("held-b")))?.data;
    });
    expect(seen).toEqual({ value: "1" });
    expect((await stored("held-b"))?.value).toBe("1");
  });

  it("are seen by every read through the writer: a list, and a query of the caller's own", async () => {
    const seen = await inSandbox(t.database, sandbox, async (w) => {
      await w.create(key("seen-by-list"), cm("seen-by-list", "1"));
      const listed = (await w.listWhere("configmaps", "default")).map((o) => o.metadata.name);
      await w.create(key("seen-by-sql"), cm("seen-by-sql", "1"));
      const rows = await w.sql<{ name: string }[]>`
        SELECT name FROM objects WHERE sandbox_id = ${sandbox} AND name = 'seen-by-sql'`;
      return [listed.includes("seen-by-list"), rows.length];
    });
    expect(seen).toEqual([true, 1]);
  });

  it("remove an object on delete, and leave no row for one made and removed in the same transaction", async () => {
    await inSandbox(t.database, sandbox, (w) => w.create(key("doomed"), cm("doomed", "1")));
    await inSandbox(t.database, sandbox, async (w) => {
      const doomed = await w.get(key("doomed"));
      if (!doomed) throw new Error("doomed missing");
      await w.delete(key("doomed"), doomed);
      const brief = cm("brief", "1");
      await w.create(key("brief"), brief);
      await w.delete(key("brief"), brief);
    });
    expect(await stored("doomed")).toBeUndefined();
    expect((await changes("doomed")).map((c) => c.type)).toEqual(["ADDED", "DELETED"]);
    expect(await stored("brief")).toBeUndefined();
    expect((await changes("brief")).map((c) => c.type)).toEqual(["ADDED", "DELETED"]);
  });

  it("are lost with their transaction", async () => {
    await expect(
      inSandbox(t.database, sandbox, async (w) => {
        await w.create(key("held-gone"), cm("held-gone", "1"));
        throw new Error("changed my mind");
      }),
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

/** The error a rejected write ended with. */
async function failure(write: Promise<unknown>): Promise<StatusError> {
  const err = await write.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}

describe("a taken name", () => {
  it("lands nothing, held to the commit, and is answered as the API server's AlreadyExists", async () => {
    await inSandbox(t.database, sandbox, (w) => w.create(key("taken"), cm("taken", "first")));
    const before = await revision();
    const err = await failure(
      inSandbox(t.database, sandbox, async (w) => {
        await w.create(key("fresh-beside-taken"), cm("fresh-beside-taken", "1"));
        await w.create(key("taken"), cm("taken", "second"));
        w.enqueue({ task: "scheduler", key: "default/would-be", payload: {} });
      }),
    );
    expect([err.code, err.reason, err.message]).toEqual([
      409,
      "AlreadyExists",
      'configmaps "taken" already exists',
    ]);
    expect(await revision()).toBe(before);
    expect(await stored("fresh-beside-taken")).toBeUndefined();
    expect(await changes("fresh-beside-taken")).toEqual([]);
    expect((await stored("taken"))?.value).toBe("first");
    expect(await queued("default/would-be")).toBe(0);
  });

  it("is named as such when a read after the create meets the failed transaction", async () => {
    const err = await failure(
      inSandbox(t.database, sandbox, async (w) => {
        await w.create(key("taken"), cm("taken", "again"));
        await w.listWhere("configmaps", "default");
      }),
    );
    expect(err.message).toBe('configmaps "taken" already exists');
  });

  it("is refused at once when the transaction itself created it", async () => {
    const err = await failure(
      inSandbox(t.database, sandbox, async (w) => {
        await w.create(key("twice"), cm("twice", "1"));
        await w.create(key("twice"), cm("twice", "2"));
      }),
    );
    expect(err.reason).toBe("AlreadyExists");
    expect(await stored("twice")).toBeUndefined();
  });
});

describe("the last round trip (held writes, revision and jobs, commit, sent together)", () => {
  it("commits held writes, the revision and the jobs together when all goes well", async () => {
    const before = await revision();
    await inSandbox(t.database, sandbox, async (w) => {
      await w.create(key("sent-last"), cm("sent-last", "1"));
      w.enqueue({ task: "scheduler", key: "default/sent-last", payload: {} });
    });
    expect(await revision()).toBe(before + 1);
    expect(await stored("sent-last")).toEqual({ rv: String(before + 1), value: "1" });
    expect(await queued("default/sent-last")).toBe(1);
  });
});

describe("a dry run", () => {
  it("stores nothing, enqueues nothing, and still finds a name taken", async () => {
    const before = await revision();
    const made = cm("dry", "1");
    await inSandbox(
      t.database,
      sandbox,
      async (w) => {
        await w.create(key("dry"), made);
        w.enqueue({ task: "scheduler", key: "default/dry", payload: {} });
      },
      { dryRun: true },
    );
    expect(made.metadata.resourceVersion).toBeUndefined();
    expect(await revision()).toBe(before);
    expect(await stored("dry")).toBeUndefined();
    expect(await queued("default/dry")).toBe(0);
    const err = await failure(
      inSandbox(t.database, sandbox, (w) => w.create(key("taken"), cm("taken", "dry")), { dryRun: true }),
    );
    expect(err.reason).toBe("AlreadyExists");
  });
});

describe("lists of a namespace (what admission reads)", () => {
  it("are read once, and again after the transaction writes that resource there", async () => {
    const names = await inSandbox(t.database, sandbox, async (w) => {
      const first = (await w.list("configmaps", "default")).length;
      // Behind the writer's back (no lock): a cached list does not see it.
      await t.database.sql`
        UPDATE objects SET name = name WHERE sandbox_id = ${sandbox} AND resource = 'configmaps'`;
      const again = (await w.list("configmaps", "default")).length;
      await w.create(key("listed-later"), cm("listed-later", "1"));
      const after = await w.list("configmaps", "default");
      return [first === again, after.length === first + 1];
    });
    expect(names).toEqual([true, true]);
  });
});

describe("early reads (sent with the lock)", () => {
  it("answer the first get of their key, and a write in between makes the get read again", async () => {
    await inSandbox(t.database, sandbox, (w) => w.create(key("early"), cm("early", "1")));
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
      { early: (w) => w.prefetch({ objects: [key("early")] }) },
    );
    expect(seen).toEqual([{ value: "1" }, { value: "2" }]);
  });

  it("of a sandbox that does not exist run nothing and fail nothing", async () => {
    await expect(
      inSandbox(t.database, crypto.randomUUID(), async () => "never", {
        early: (w) =>
          w.prefetch({ objects: [key("anything")], lists: [{ resource: "pods", namespace: "x" }] }),
      }),
    ).rejects.toThrow("the sandbox no longer exists");
  });
});
