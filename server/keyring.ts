import type { Config } from "../config.ts";
import type { Database } from "../db/connection.ts";
import type { Keyring } from "../db/crypto/keyring.ts";
import { openKeyring } from "../db/crypto/open.ts";
import { sealingWith } from "../db/crypto/secret-sealer.ts";
import { log } from "../log.ts";

/**
 * Loads the key-encryption keys at start-up, checks them against the database, and makes this
 * database handle (and the pools made from it) encrypt Secrets with them. With `generate` (the API process), a first start with no key
 * configured makes one under DATA_DIR and says so; a missing or wrong key stops start-up.
 */
export async function startKeyring(
  database: Database,
  config: Pick<Config, "KUBESANDBOX_KEK" | "KUBESANDBOX_KEK_FILE" | "DATA_DIR">,
  generate: boolean,
): Promise<Keyring> {
  const { keyring, generated } = await openKeyring(database.sql, {
    kek: config.KUBESANDBOX_KEK,
    kekFile: config.KUBESANDBOX_KEK_FILE,
    dataDir: config.DATA_DIR,
    generate,
  });
  if (generated)
    log.info(
      { path: generated, kid: keyring.active.kid },
      "generated a new key-encryption key for Secrets (mode 0600): back it up, no Secret can be read without it",
    );
  database.sealing = sealingWith(keyring);
  return keyring;
}
