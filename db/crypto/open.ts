import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Sql } from "../sql.ts";
import { KeyringError, newKekText } from "./kek.ts";
import { Keyring } from "./keyring.ts";
import { writeKeyringFile } from "./keyring-file.ts";
import { kidsInUse, verifyKeyring } from "./verify.ts";

/** Where the key-encryption keys come from. */
export interface KeyringSettings {
  /** KUBESANDBOX_KEK: base64 key(s), the active one first, comma-separated. */
  kek?: string;
  /** KUBESANDBOX_KEK_FILE: a keyring file. */
  kekFile?: string;
  /** Without either, the keyring file `<dataDir>/kek`. */
  dataDir: string;
  /** Whether a missing `<dataDir>/kek` may be made (on a database that never had a KEK). */
  generate: boolean;
}

/** The keyring file used when neither KUBESANDBOX_KEK nor KUBESANDBOX_KEK_FILE is set. */
export function defaultKeyringPath(dataDir: string): string {
  return join(dataDir, "kek");
}

/** Reads the configured keyring without touching the database. */
export async function readKeyring(settings: KeyringSettings): Promise<Keyring> {
  if (settings.kek && settings.kekFile)
    throw new KeyringError("set KUBESANDBOX_KEK or KUBESANDBOX_KEK_FILE, not both");
  if (settings.kek) return Keyring.fromEnv(settings.kek);
  return Keyring.fromFile(settings.kekFile ?? defaultKeyringPath(settings.dataDir));
}

/**
 * The keyring of a starting process, checked against the database (see verifyKeyring). With no
 * key configured and none in the data directory, one is generated there (mode 0600) — but only
 * for a database that has never had one: otherwise the key is missing, and that is an error.
 * Returns the keyring and the path of a generated keyring file, if one was made.
 */
export async function openKeyring(
  sql: Sql,
  settings: KeyringSettings,
): Promise<{ keyring: Keyring; generated: string | null }> {
  const path = defaultKeyringPath(settings.dataDir);
  let generated: string | null = null;
  if (!settings.kek && !settings.kekFile && !existsSync(path)) {
    const used = await kidsInUse(sql);
    if (used.length || !settings.generate)
      throw new KeyringError(
        `missing key-encryption key: set KUBESANDBOX_KEK or KUBESANDBOX_KEK_FILE, or restore ${path}${used.length ? ` (the database uses KEK ${used.join(", ")})` : ""}`,
      );
    await mkdir(settings.dataDir, { recursive: true });
    await writeKeyringFile(path, [newKekText()]);
    generated = path;
  }
  const keyring = await readKeyring(settings);
  await verifyKeyring(sql, keyring);
  return { keyring, generated };
}
