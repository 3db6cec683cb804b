import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { KeyringError, kekFromBase64, newKekText } from "../../db/crypto/kek.ts";
import { openKeyring } from "../../db/crypto/open.ts";
import { testApp } from "../support/app.ts";

// testApp registers the suite's KEK in the suite's database, as the first start of a service does.
const t = testApp();
const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-keyring-"));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("the key-encryption key at start-up", () => {
  it("refuses a wrong KEK loudly, naming the kid the database uses, and records nothing of it", async () => {
    const wrong = newKekText();
    const err = await openKeyring(t.database.sql, { kek: wrong, dataDir, generate: true }).catch((e) => e);
    expect(err).toBeInstanceOf(KeyringError);
    const suiteKid = (await kekFromBase64(inject("kek"), "suite")).kid;
    expect(err.message).toMatch(/^wrong or missing key-encryption key: the database uses KEK /);
    expect(err.message).toContain(suiteKid);
    expect(err.message).not.toContain(wrong);
    const wrongKid = (await kekFromBase64(wrong, "wrong")).kid;
    expect(await t.database.sql`SELECT 1 FROM key_encryption_keys WHERE kid = ${wrongKid}`).toHaveLength(0);
  });

  it("refuses to start without a KEK on a database that has one, and generates none", async () => {
    const err = await openKeyring(t.database.sql, { dataDir, generate: true }).catch((e) => e);
    expect(err).toBeInstanceOf(KeyringError);
    expect(err.message).toMatch(/^missing key-encryption key: set KUBESANDBOX_KEK or KUBESANDBOX_KEK_FILE/);
    expect(existsSync(join(dataDir, "kek"))).toBe(false);
  });

  it("refuses a keyring file that does not exist, and both sources at once", async () => {
    await expect(
      openKeyring(t.database.sql, { kekFile: join(dataDir, "none"), dataDir, generate: true }),
    ).rejects.toThrow(/the key-encryption key file .*none does not exist/);
    await expect(
      openKeyring(t.database.sql, { kek: inject("kek"), kekFile: "x", dataDir, generate: true }),
    ).rejects.toThrow("set KUBESANDBOX_KEK or KUBESANDBOX_KEK_FILE, not both");
  });

  it("starts with the right KEK, and with it first among others", async () => {
    const { keyring } = await openKeyring(t.database.sql, { kek: inject("kek"), dataDir, generate: true });
    expect(keyring.kids).toHaveLength(1);
  });
});
