import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { connect, type Database } from "../../db/connection.ts";
import { listKeks } from "../../db/crypto/inspect.ts";
import { kekFromBase64, newKekText } from "../../db/crypto/kek.ts";
import { Keyring } from "../../db/crypto/keyring.ts";
import { readKeyringFile, writeKeyringFile } from "../../db/crypto/keyring-file.ts";
import { type KeyringSettings, openKeyring } from "../../db/crypto/open.ts";
import { retireKek } from "../../db/crypto/retire.ts";
import { rotateKeys } from "../../db/crypto/rotate.ts";
import { sealingWith } from "../../db/crypto/secret-sealer.ts";
import { checkValue } from "../../db/crypto/verify.ts";
import { ChangeFeed } from "../../db/feed.ts";
import { migrateDatabase } from "../../db/migrate.ts";
import { triggerRules } from "../../workers/controllers.ts";
import { migrateQueue } from "../../workers/queue/runner.ts";
import { suiteDatabaseUrl } from "../support/db.ts";

/**
 * Rotation is database-wide, so this file has a database of its own (on the suite's server),
 * with a keyring file, and runs the real `node keys.ts` beside the in-process app.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..", "..");
const dir = await mkdtemp(join(tmpdir(), "kubesandbox-rotation-"));
const keyFile = join(dir, "kek");
const dbName = `kubesandbox_rotation_${Date.now()}_${randomBytes(3).toString("hex")}`;
const admin = postgres(suiteDatabaseUrl(), { max: 1, onnotice: () => {} });
let database: Database;
let app: ReturnType<typeof createApp>;
let feed: ChangeFeed;
let dbUrl: string;

/** Runs `node keys.ts ...` against this file's database and keyring file. */
async function keys(...args: string[]): Promise<{ code: number; out: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    KUBESANDBOX_KEK_FILE: keyFile,
    DATA_DIR: dir,
  };
  delete env.KUBESANDBOX_KEK;
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, "keys.ts"), ...args], {
      env,
      cwd: root,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}
const settings: KeyringSettings = { kekFile: keyFile, dataDir: dir, generate: false };
const kidOf = async (text: string) => (await kekFromBase64(text, "test")).kid;

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await app.request("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: any };
}
async function newSandbox(name: string) {
  const up = await gql(`mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`, {
    e: `${name}-${randomBytes(4).toString("hex")}@example.com`,
  });
  const sb = await gql(
    `mutation($n:String!){createSandbox(name:$n){id kubeconfig}}`,
    { n: name },
    up.data.signUp.token,
  );
  const token = /token: (\S+)/.exec(sb.data.createSandbox.kubeconfig)?.[1] ?? "";
  const id = sb.data.createSandbox.id as string;
  return (path: string, init: RequestInit = {}) =>
    app.request(`/sandboxes/${id}/api/v1/namespaces/default/secrets${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });
}
const put = (value: string) => ({ stringData: { value } });
const b64 = (s: string) => Buffer.from(s).toString("base64");

beforeAll(async () => {
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const url = new URL(suiteDatabaseUrl());
  url.pathname = `/${dbName}`;
  dbUrl = url.toString();
  database = connect(dbUrl, 5, { triggers: triggerRules });
  await migrateDatabase(database);
  await migrateQueue(dbUrl);
  await writeKeyringFile(keyFile, [newKekText()]);
  const { keyring } = await openKeyring(database.sql, { kekFile: keyFile, dataDir: dir, generate: false });
  database.sealing = sealingWith(keyring);
  feed = new ChangeFeed(database.sql);
  await feed.start();
  app = createApp({
    database,
    feed,
    auth: { signingKey: randomBytes(32), tokenTtlSeconds: 3600 },
    server: { baseUrl: "https://127.0.0.1:1", caPem: "" },
    ready: () => true,
  });
});

afterAll(async () => {
  await feed?.stop();
  await database?.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
});

describe("key rotation", () => {
  it("refuses a KEK whose check value the database does not decrypt", async () => {
    const impostor = newKekText();
    const kid = await kidOf(impostor);
    // A check value under another key, filed under the impostor's kid.
    const other = await kekFromBase64(newKekText(), "other");
    await database.sql`INSERT INTO key_encryption_keys (kid, "check") VALUES (${kid}, ${await checkValue({ ...other, kid })})`;
    try {
      await expect(
        openKeyring(database.sql, {
          kek: `${impostor},${(await readKeyringFile(keyFile))[0]}`,
          dataDir: dir,
          generate: false,
        }),
      ).rejects.toThrow(
        `key-encryption key ${kid} (KUBESANDBOX_KEK) does not decrypt the database's check value`,
      );
    } finally {
      await database.sql`DELETE FROM key_encryption_keys WHERE kid = ${kid}`;
    }
  });

  it("rotates under concurrent writes, re-encrypting, and loses nothing; then retires the old key", async () => {
    const [a, b] = [await newSandbox("rot-a"), await newSandbox("rot-b")];
    const written = new Map<string, string>();
    for (let i = 0; i < 5; i++) {
      for (const [sb, tag] of [
        [a, "a"],
        [b, "b"],
      ] as const) {
        const value = `before-${tag}-${i}-${randomBytes(4).toString("hex")}`;
        expect(
          (
            await sb("", {
              method: "POST",
              body: JSON.stringify({ metadata: { name: `s${i}` }, ...put(value) }),
            })
          ).status,
        ).toBe(201);
        written.set(`${tag}/s${i}`, value);
      }
    }
    const oldKid = await kidOf((await readKeyringFile(keyFile))[0]!);
    await expect(retireKek(database.sql, settings, oldKid)).rejects.toThrow(
      `${oldKid} is the active key-encryption key`,
    );

    let rotating = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; rotating; i++) {
        const value = `during-${i}-${randomBytes(4).toString("hex")}`;
        const created = await a("", {
          method: "POST",
          body: JSON.stringify({ metadata: { name: `w${i}` }, ...put(value) }),
        });
        expect(created.status).toBe(201);
        written.set(`a/w${i}`, value);
        const updated = `updated-${i}-${randomBytes(4).toString("hex")}`;
        const patched = await b(`/s${i % 5}`, {
          method: "PATCH",
          headers: { "content-type": "application/merge-patch+json" },
          body: JSON.stringify(put(updated)),
        });
        expect(patched.status).toBe(200);
        written.set(`b/s${i % 5}`, updated);
        writes++;
      }
    })();
    const rotated = await keys("rotate", "--reencrypt");
    rotating = false;
    await writer;
    expect(rotated.out).toMatch(/added key-encryption key \S+ to .*; it is now the active one/);
    expect(rotated.code, rotated.out).toBe(0);
    expect(writes).toBeGreaterThan(0);

    const keyring = await readKeyringFile(keyFile);
    expect(keyring).toHaveLength(2);
    const newKid = await kidOf(keyring[0]!);
    expect(newKid).not.toBe(oldKid);
    const wrappers = await database.sql<{ kek_kid: string }[]>`SELECT DISTINCT kek_kid FROM sandbox_keys`;
    expect(wrappers.map((w) => w.kek_kid)).toEqual([newKid]);

    expect(await retireKek(database.sql, settings, oldKid)).toBe(`the database and ${keyFile}`);
    expect(await readKeyringFile(keyFile)).toEqual(keyring.slice(0, 1));

    // Everything reads back through the app, and a fresh process (no cached keys) holding only
    // the new key opens every stored value, the change log's included.
    for (const [key, value] of written) {
      const [tag, name] = key.split("/");
      const res = await (tag === "a" ? a : b)(`/${name}`);
      expect((await res.json()).data, key).toEqual({ value: b64(value) });
    }
    const verified = await keys("verify");
    expect(verified.out).toMatch(/^\d+ encrypted values readable, 0 unreadable$/m);
    expect(Number(/^(\d+) encrypted/m.exec(verified.out)?.[1]), rotated.out + verified.out).toBeGreaterThan(
      written.size,
    );
    expect(verified.code).toBe(0);
  });

  it("finishes an interrupted rotation instead of starting another, and only then lets the old key go", async () => {
    const current = await readKeyringFile(keyFile);
    const oldKid = await kidOf(current[0]!);
    // As if `keys rotate` stopped right after adding its key to the file.
    const added = newKekText();
    await writeKeyringFile(keyFile, [added, ...current]);
    await expect(retireKek(database.sql, settings, oldKid)).rejects.toThrow(
      new RegExp(`\\d+ data keys are still wrapped by ${oldKid}: run keys rotate`),
    );
    const lines: string[] = [];
    const resumed = await rotateKeys(database.sql, settings, { reencrypt: false, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^finishing a rotation: \d+ data keys are not yet under/);
    expect(resumed).toMatchObject({ added: null, active: await kidOf(added), remaining: 0 });
    expect(resumed.rewrapped).toBeGreaterThan(0);
    expect(await readKeyringFile(keyFile)).toEqual([added, ...current]);
    const listed = await listKeks(database.sql, await Keyring.fromFile(keyFile));
    expect(listed.map((k) => [k.kid, k.active, k.inKeyring, k.dataKeys > 0])).toEqual([
      [await kidOf(added), true, true, true],
      [oldKid, false, true, false],
    ]);
    await retireKek(database.sql, settings, oldKid);
    const verified = await keys("verify");
    expect(verified.code, verified.out).toBe(0);
  });
});
