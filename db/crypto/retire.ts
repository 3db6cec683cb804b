import type { Sql } from "../sql.ts";
import { KeyringError, kekFromBase64 } from "./kek.ts";
import { readKeyringFile, writeKeyringFile } from "./keyring-file.ts";
import { type KeyringSettings, readKeyring } from "./open.ts";

/**
 * `keys retire <kid>`: forgets an old KEK, refusing while it is the active one or still wraps a
 * data key (a rotation has not finished). The database forgets it first, then the keyring file;
 * with KUBESANDBOX_KEK the operator removes it there. Returns where it was removed from.
 */
export async function retireKek(sql: Sql, settings: KeyringSettings, kid: string): Promise<string> {
  const keyring = await readKeyring(settings);
  if (keyring.active.kid === kid)
    throw new KeyringError(`${kid} is the active key-encryption key: run keys rotate first, then retire it`);
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('kubesandbox:keks'))`;
    const [used] = await tx<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM sandbox_keys WHERE kek_kid = ${kid}`;
    if (used?.n)
      throw new KeyringError(
        `${used.n} data keys are still wrapped by ${kid}: run keys rotate to finish re-wrapping them, then retire it`,
      );
    const gone = await tx`DELETE FROM key_encryption_keys WHERE kid = ${kid}`;
    if (!gone.count && !keyring.get(kid))
      throw new KeyringError(`no key-encryption key ${kid} in ${keyring.describe()} or the database`);
  });
  if (keyring.source.kind !== "file")
    return `the database; now remove it from ${keyring.describe()} and restart the service`;
  const path = keyring.source.path;
  const kept: string[] = [];
  for (const text of await readKeyringFile(path))
    if ((await kekFromBase64(text, path)).kid !== kid) kept.push(text);
  await writeKeyringFile(path, kept);
  return `the database and ${path}`;
}
