import { hash, verify } from "@node-rs/argon2";

// Argon2id with OWASP's second recommended setting (19 MiB, 2 passes): memory-hard, and quick
// enough that a login stays well under 100 ms on two cores.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes a password for storage (argon2id, PHC string with its own salt). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// Verified against when the email is unknown, so both answers take the same time.
const decoy = hash("decoy-password-for-timing", options);

/** Whether a password matches a stored hash; pass null to spend the same time and say no. */
export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
