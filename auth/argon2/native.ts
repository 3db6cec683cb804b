import { hash, verify } from "@node-rs/argon2";
import type { Argon2Options } from "./options.ts";

/** Argon2id through the native addon (Node: `npm start`, the workers, Lambda). */
export function argon2Hash(password: string, options: Argon2Options): Promise<string> {
  return hash(password, options);
}

/** Whether a password matches a PHC string; false for a malformed one. */
export function argon2Verify(stored: string, password: string): Promise<boolean> {
  return verify(stored, password).catch(() => false);
}
