// Native argon2 on Node, WebAssembly in workerd: package.json `imports` picks by condition.
import { argon2Hash, argon2Verify } from "#argon2";

// Argon2id with OWASP's second recommended setting (19 MiB, 2 passes): memory-hard, and quick
// enough that a login stays well under 100 ms on two cores.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes a password for storage (argon2id, PHC string with its own salt). */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, options);
}

// Verified against when the email is unknown, so both answers take the same time. Made on first
// use, not at load: workerd allows no randomness at global scope.
let decoy: Promise<string> | undefined;

/** Whether a password matches a stored hash; pass null to spend the same time and say no. */
export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    decoy ??= argon2Hash("decoy-password-for-timing", options);
    await argon2Verify(await decoy, password);
    return false;
  }
  return argon2Verify(stored, password);
}
