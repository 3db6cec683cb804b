import type { Queryable, Sql } from "../sql.ts";
import { decryptCompact, encryptCompact } from "./jwe.ts";
import { type Kek, KeyringError } from "./kek.ts";
import type { Keyring } from "./keyring.ts";

/** The text every KEK's check value encrypts. */
const checkText = "kubesandbox key-encryption key check";

/** A check value for a KEK: the fixed text as a JWE under it. */
export function checkValue(kek: Kek): Promise<string> {
  return encryptCompact(kek.key, kek.kid, new TextEncoder().encode(checkText));
}

/** Whether a check value decrypts, under this KEK, to the fixed text. */
async function checks(kek: Kek, check: string): Promise<boolean> {
  try {
    const plain = await decryptCompact(check, async () => kek.key);
    return new TextDecoder().decode(plain) === checkText;
  } catch {
    return false;
  }
}

/** Records a KEK in the database (its check value), once. */
export async function registerKek(sql: Queryable, kek: Kek): Promise<void> {
  await sql`
    INSERT INTO key_encryption_keys (kid, "check") VALUES (${kek.kid}, ${await checkValue(kek)})
    ON CONFLICT (kid) DO NOTHING`;
}

/** The KEK kids the database knows of: registered ones, and any that still wrap a data key. */
export async function kidsInUse(sql: Queryable): Promise<string[]> {
  const rows = await sql<{ kid: string }[]>`
    SELECT kid FROM key_encryption_keys
    UNION SELECT DISTINCT kek_kid FROM sandbox_keys`;
  return rows.map((r) => r.kid);
}

/**
 * Checks the configured keyring against the database before anything is encrypted or read:
 * every KEK the database uses must be held, and every held KEK the database knows must decrypt
 * its check value. Then records the active KEK. A KeyringError says what is wrong, never silently
 * continuing. Runs under an advisory lock, so two processes starting at once with different keys
 * cannot both register theirs.
 */
export async function verifyKeyring(sql: Sql, keyring: Keyring): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('kubesandbox:keks'))`;
    const registered = await tx<
      { kid: string; check: string }[]
    >`SELECT kid, "check" FROM key_encryption_keys`;
    for (const row of registered) {
      const kek = keyring.get(row.kid);
      if (kek && !(await checks(kek, row.check)))
        throw new KeyringError(
          `key-encryption key ${row.kid} (${keyring.describe()}) does not decrypt the database's check value: it is not the key this database was set up with`,
        );
    }
    const missing = (await kidsInUse(tx)).filter((kid) => !keyring.get(kid));
    if (missing.length)
      throw new KeyringError(
        `wrong or missing key-encryption key: the database uses KEK ${missing.join(", ")}, which ${keyring.describe()} does not hold (it holds ${keyring.kids.join(", ")}). Configure the key the database was set up with (KUBESANDBOX_KEK or KUBESANDBOX_KEK_FILE); old keys stay needed until \`keys retire\` accepts them.`,
      );
    await registerKek(tx, keyring.active);
  });
}
