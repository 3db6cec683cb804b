import { argon2id, argon2Verify as verifyEncoded } from "argon2-wasm-edge";
import type { Argon2Options } from "./options.ts";

/**
 * Argon2id in WebAssembly, for runtimes that load no native addon (workerd). It writes and reads
 * the same PHC strings as the native addon (auth/argon2/native.ts), so either verifies the
 * other's hashes. workerd compiles no WebAssembly from bytes: its entry point hands the modules in
 * first (setWASMModules, serverless/worker.ts); elsewhere (tests) the library compiles its own.
 */
export async function argon2Hash(password: string, options: Argon2Options): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return argon2id({
    password,
    salt,
    iterations: options.timeCost,
    memorySize: options.memoryCost,
    parallelism: options.parallelism,
    hashLength: 32,
    outputType: "encoded",
  });
}

/** Whether a password matches a PHC string; false for a malformed one. */
export function argon2Verify(stored: string, password: string): Promise<boolean> {
  return verifyEncoded({ password, hash: stored }).catch(() => false);
}
