import type { Sql } from "../sql.ts";
import { KeyringError, newKekText } from "./kek.ts";
import { readKeyringFile, writeKeyringFile } from "./keyring-file.ts";
import { type KeyringSettings, readKeyring } from "./open.ts";
import { dropSupersededKeys, reencryptAll } from "./reencrypt.ts";
import { countNotUnder, rewrapDataKeys } from "./rewrap.ts";
import { registerKek, verifyKeyring } from "./verify.ts";

/** What a rotation did. */
export interface RotationResult {
  /** The kid of the KEK it added, or null when it finished an earlier rotation (or the keys come from the environment). */
  added: string | null;
  active: string;
  rewrapped: number;
  reencrypted: number;
  /** Data keys still under another KEK when it ended (0 unless a writer kept wrapping under an old one). */
  remaining: number;
}

/** How long superseded data keys are kept after re-encryption, for reads already under way. */
const defaultGraceSeconds = 60;

/**
 * `keys rotate`: with a keyring file, adds a new active KEK to it (kept beside the old ones) —
 * unless an earlier rotation did not finish, which it then finishes; with KUBESANDBOX_KEK the
 * operator adds the key there. Then re-wraps every data key under the active KEK and, with
 * `reencrypt`, gives every sandbox a fresh data key and re-encrypts its Secrets. Every step can
 * be interrupted and run again; no value is ever unreadable under the keys the keyring holds.
 */
export async function rotateKeys(
  sql: Sql,
  settings: KeyringSettings,
  options: { reencrypt: boolean; graceSeconds?: number; log: (line: string) => void },
): Promise<RotationResult> {
  const { log } = options;
  const keyring = await readKeyring(settings);
  await verifyKeyring(sql, keyring);
  let added: string | null = null;
  const pending = await countNotUnder(sql, keyring.active.kid);
  if (pending > 0) log(`finishing a rotation: ${pending} data keys are not yet under ${keyring.active.kid}`);
  else if (keyring.source.kind === "file") {
    const path = keyring.source.path;
    // The file first: a KEK the database names must always be in the keyring.
    await writeKeyringFile(path, [newKekText(), ...(await readKeyringFile(path))]);
    await keyring.refresh();
    if (keyring.kids.length < 2)
      throw new KeyringError(`${path} changed while rotating; run keys rotate again`);
    await registerKek(sql, keyring.active);
    added = keyring.active.kid;
    log(`added key-encryption key ${added} to ${path}; it is now the active one`);
  } else
    log(
      `${keyring.describe()} is set: to rotate, put a new key (\`keys generate\`) first in it, keep the old ones after it, restart the service, then run keys rotate again`,
    );
  const rewrapped = await rewrapDataKeys(sql, keyring);
  log(`re-wrapped ${rewrapped} data keys under ${keyring.active.kid}`);
  const reencrypted = options.reencrypt ? await reencryptAll(sql, keyring, log) : 0;
  if (options.reencrypt) log(`re-encrypted ${reencrypted} Secrets under fresh data keys`);
  const dropped = await dropSupersededKeys(sql, options.graceSeconds ?? defaultGraceSeconds);
  if (dropped) log(`removed ${dropped} superseded data keys`);
  const remaining = await countNotUnder(sql, keyring.active.kid);
  return { added, active: keyring.active.kid, rewrapped, reencrypted, remaining };
}
