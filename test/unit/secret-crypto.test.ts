import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { decryptJson, encryptJson, importAesKey, kidOf } from "../../db/crypto/jwe.ts";
import { KeyringError, kekFromBase64, newKekText } from "../../db/crypto/kek.ts";
import { Keyring } from "../../db/crypto/keyring.ts";
import { parseKeyringText, readKeyringFile, writeKeyringFile } from "../../db/crypto/keyring-file.ts";

const dir = await mkdtemp(join(tmpdir(), "kubesandbox-keys-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("JWE", () => {
  it("round-trips a value as a compact dir/A256GCM JWE naming its key, and fails under another key", async () => {
    const key = await importAesKey(randomBytes(32));
    const other = await importAesKey(randomBytes(32));
    const jwe = await encryptJson(key, "k1", { data: { password: "MWYyZDFlMmU2N2Rm" } });
    expect(jwe.split(".")).toHaveLength(5);
    expect(jwe).not.toContain("MWYyZDFlMmU2N2Rm");
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: "dir", enc: "A256GCM", kid: "k1" });
    expect(kidOf(jwe)).toBe("k1");
    expect(await decryptJson(jwe, async (kid) => (kid === "k1" ? key : other))).toEqual({
      data: { password: "MWYyZDFlMmU2N2Rm" },
    });
    await expect(decryptJson(jwe, async () => other)).rejects.toThrow("decryption operation failed");
    // Encrypting twice gives different ciphertexts (a fresh IV each time).
    expect(await encryptJson(key, "k1", 1)).not.toBe(await encryptJson(key, "k1", 1));
  });

  it("zeroes the raw bytes it imports a key from", async () => {
    const raw = randomBytes(32);
    await importAesKey(raw);
    expect(raw.every((b) => b === 0)).toBe(true);
  });
});

describe("key-encryption keys", () => {
  it("names a KEK by its JWK thumbprint, the same for the same key", async () => {
    const text = newKekText();
    const [a, b, c] = await Promise.all([
      kekFromBase64(text, "x"),
      kekFromBase64(text, "x"),
      kekFromBase64(newKekText(), "x"),
    ]);
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.kid).toBe(b.kid);
    expect(a.kid).not.toBe(c.kid);
  });

  it.each([
    ["too short", randomBytes(16).toString("base64")],
    ["not base64", "!".repeat(44)],
    ["url-safe base64", randomBytes(32).toString("base64url")],
  ])("refuses a KEK that is %s, without echoing it", async (_name, text) => {
    const err = await kekFromBase64(text, "KUBESANDBOX_KEK").catch((e) => e);
    expect(err).toBeInstanceOf(KeyringError);
    expect(err.message).toMatch(/^KUBESANDBOX_KEK: a key-encryption key is 32 random bytes/);
    expect(err.message).not.toContain(text);
  });

  it("reads a keyring from the environment: several keys, the first active", async () => {
    const [first, second] = [newKekText(), newKekText()];
    const keyring = await Keyring.fromEnv(`${first},${second}`);
    expect(keyring.kids).toEqual([
      (await kekFromBase64(first, "")).kid,
      (await kekFromBase64(second, "")).kid,
    ]);
    expect(keyring.active.kid).toBe(keyring.kids[0]);
    await expect(keyring.require("nope")).rejects.toThrow(
      /key-encryption key nope is not in the keyring \(KUBESANDBOX_KEK\)/,
    );
  });

  it("writes a keyring file atomically with mode 0600, and a file keyring follows its changes", async () => {
    const path = join(dir, "kek");
    const first = newKekText();
    await writeKeyringFile(path, [first]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(parseKeyringText(await readFile(path, "utf8"))).toEqual([first]);
    const keyring = await Keyring.fromFile(path);
    const second = newKekText();
    await new Promise((r) => setTimeout(r, 20));
    await writeKeyringFile(path, [second, first]);
    const secondKid = (await kekFromBase64(second, "")).kid;
    expect((await keyring.require(secondKid)).kid).toBe(secondKid);
    expect(keyring.active.kid).toBe(secondKid);
    expect(keyring.kids).toHaveLength(2);
  });

  it("refuses a missing or empty keyring file", async () => {
    await expect(readKeyringFile(join(dir, "none"))).rejects.toThrow(/does not exist/);
    await writeKeyringFile(join(dir, "empty"), []);
    await expect(readKeyringFile(join(dir, "empty"))).rejects.toThrow(/holds no key/);
  });
});
