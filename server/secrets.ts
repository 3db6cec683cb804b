import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The key that signs tokens: KUBESANDBOX_JWT_SECRET when set (several API processes on other
 * machines must share it), else one made on first start under the data directory (mode 0600).
 */
export async function tokenSigningKey(dataDir: string, env = process.env): Promise<Uint8Array> {
  const fromEnv = env.KUBESANDBOX_JWT_SECRET;
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error("KUBESANDBOX_JWT_SECRET must be at least 32 characters");
    return new TextEncoder().encode(fromEnv);
  }
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, "jwt-secret");
  if (!existsSync(file)) await writeFile(file, `${randomBytes(48).toString("base64url")}\n`, { mode: 0o600 });
  return new TextEncoder().encode((await readFile(file, "utf8")).trim());
}
