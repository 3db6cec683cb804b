import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { KeyringError } from "./kek.ts";

/**
 * The keyring file: one base64 key-encryption key per line, the first one active, `#` lines
 * ignored. Written whole to a temporary file and renamed over the old one (mode 0600), so a
 * reader sees the old keyring or the new one, never half of one.
 */

const header =
  "# kubesandbox key-encryption keys: one base64 key per line, the first is active.\n" +
  "# Keep this file secret and backed up: without it, no Secret can be read.\n";

/** The key texts of a keyring file's contents, in order. */
export function parseKeyringText(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Reads a keyring file; a missing or empty one is a KeyringError naming the path. */
export async function readKeyringFile(path: string): Promise<string[]> {
  if (!existsSync(path)) throw new KeyringError(`the key-encryption key file ${path} does not exist`);
  const keys = parseKeyringText(await readFile(path, "utf8"));
  if (!keys.length) throw new KeyringError(`the key-encryption key file ${path} holds no key`);
  return keys;
}

/** Writes a keyring file atomically, readable by its owner only. */
export async function writeKeyringFile(path: string, keys: string[]): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${header}${keys.join("\n")}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
