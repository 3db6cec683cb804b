import { stat } from "node:fs/promises";
import { type Kek, KeyringError, kekFromBase64 } from "./kek.ts";
import { readKeyringFile } from "./keyring-file.ts";

/** Where a keyring came from: an environment variable, or a keyring file (which may change). */
export type KeyringSource = { kind: "env"; variable: string } | { kind: "file"; path: string };

/**
 * The key-encryption keys this process holds, by kid; the first is active (it wraps new data
 * keys), the others are older keys still readable until retired. A keyring read from a file
 * re-reads it when it changes, so a running service follows `keys rotate` and `keys retire`.
 */
export class Keyring {
  readonly source: KeyringSource;
  private keks: Kek[];
  private loadedAt: number;

  private constructor(source: KeyringSource, keks: Kek[], loadedAt: number) {
    this.source = source;
    this.keks = keks;
    this.loadedAt = loadedAt;
  }

  /** A keyring from an environment variable: one base64 key, or several separated by commas. */
  static async fromEnv(value: string, variable = "KUBESANDBOX_KEK"): Promise<Keyring> {
    const texts = value.split(",").filter((t) => t.trim() !== "");
    if (!texts.length) throw new KeyringError(`${variable} is empty`);
    return new Keyring({ kind: "env", variable }, await parseKeks(texts, variable), 0);
  }

  /** A keyring from a keyring file. */
  static async fromFile(path: string): Promise<Keyring> {
    const loadedAt = (await stat(path).catch(() => null))?.mtimeMs ?? 0;
    const keks = await parseKeks(await readKeyringFile(path), path);
    return new Keyring({ kind: "file", path }, keks, loadedAt);
  }

  /** The key that wraps new data keys. */
  get active(): Kek {
    return this.keks[0] as Kek;
  }

  /** Every kid held, the active one first. */
  get kids(): string[] {
    return this.keks.map((k) => k.kid);
  }

  /** The key with this kid, if held. */
  get(kid: string): Kek | undefined {
    return this.keks.find((k) => k.kid === kid);
  }

  /** Re-reads a keyring file that changed since it was read; returns whether it did. */
  async refresh(): Promise<boolean> {
    if (this.source.kind !== "file") return false;
    const mtime = (await stat(this.source.path).catch(() => null))?.mtimeMs ?? 0;
    if (mtime === this.loadedAt) return false;
    const next = await Keyring.fromFile(this.source.path);
    this.keks = next.keks;
    this.loadedAt = next.loadedAt;
    return true;
  }

  /** The key with this kid, re-reading the keyring file once if needed; a KeyringError if absent. */
  async require(kid: string): Promise<Kek> {
    const found = this.get(kid) ?? ((await this.refresh()) ? this.get(kid) : undefined);
    if (!found)
      throw new KeyringError(
        `key-encryption key ${kid} is not in the keyring (${this.describe()}); was it retired, or is the wrong key configured?`,
      );
    return found;
  }

  /** Where the keys come from, for messages: "KUBESANDBOX_KEK" or "file .data/kek". */
  describe(): string {
    return this.source.kind === "env" ? this.source.variable : `file ${this.source.path}`;
  }
}

async function parseKeks(texts: string[], where: string): Promise<Kek[]> {
  const keks: Kek[] = [];
  for (const [i, text] of texts.entries()) {
    const kek = await kekFromBase64(text, `${where} (key ${i + 1})`);
    if (!keks.some((k) => k.kid === kek.kid)) keks.push(kek);
  }
  return keks;
}
