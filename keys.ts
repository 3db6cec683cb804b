import { loadConfig } from "./config.ts";
import { connect, type Database } from "./db/connection.ts";
import { listKeks, verifySealed } from "./db/crypto/inspect.ts";
import { newKekText } from "./db/crypto/kek.ts";
import { type KeyringSettings, readKeyring } from "./db/crypto/open.ts";
import { retireKek } from "./db/crypto/retire.ts";
import { rotateKeys } from "./db/crypto/rotate.ts";
import { attachOrStartEmbedded } from "./db/embedded-attach.ts";
import { migrateDatabase } from "./db/migrate.ts";

const usage = `usage: node keys.ts <command>   (npm run keys -- <command>)
  rotate [--reencrypt]  add a new key-encryption key (or finish an interrupted rotation) and re-wrap
                        every sandbox data key under it; --reencrypt also re-encrypts every Secret
                        under fresh data keys
  retire <kid>          forget an old key-encryption key; refused while anything still uses it
  list                  the key-encryption keys: kid, active, in the keyring, data keys each wraps
  verify                decrypt every stored Secret (printing nothing of it); exit 1 if any fails
  generate              print a new random key-encryption key (base64), for KUBESANDBOX_KEK
The keys come from KUBESANDBOX_KEK, KUBESANDBOX_KEK_FILE or DATA_DIR/kek, the database from
DATABASE_URL or the embedded Postgres under DATA_DIR, as for npm start.`;

/** Runs `fn` on the service's database (DATABASE_URL, or the embedded one), migrated. */
async function withDatabase<T>(url: string | undefined, dataDir: string, fn: (db: Database) => Promise<T>) {
  const embedded = url ? null : await attachOrStartEmbedded(dataDir);
  const database = connect(url ?? embedded?.url ?? "", 2);
  try {
    await migrateDatabase(database);
    return await fn(database);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

/**
 * `npm run keys -- <command>`: rotation and retirement of the key-encryption keys that wrap the
 * sandboxes' data keys, and checks that every Secret stays readable. Prints kids and counts,
 * never a key or a value.
 */
async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "generate") {
    console.log(newKekText());
    return 0;
  }
  const config = loadConfig();
  const settings: KeyringSettings = {
    kek: config.KUBESANDBOX_KEK,
    kekFile: config.KUBESANDBOX_KEK_FILE,
    dataDir: config.DATA_DIR,
    generate: false,
  };
  const log = (line: string) => console.log(line);
  return withDatabase(config.DATABASE_URL, config.DATA_DIR, async ({ sql }) => {
    switch (command) {
      case "rotate": {
        const result = await rotateKeys(sql, settings, { reencrypt: rest.includes("--reencrypt"), log });
        log(`active key-encryption key: ${result.active}`);
        if (result.remaining) {
          log(`${result.remaining} data keys are still under an older key: run keys rotate again`);
          return 1;
        }
        log("every data key is under the active key; older keys can now be retired (keys retire <kid>)");
        return 0;
      }
      case "retire": {
        const kid = rest[0];
        if (!kid) break;
        log(`retired ${kid} from ${await retireKek(sql, settings, kid)}`);
        return 0;
      }
      case "list": {
        const keyring = await readKeyring(settings);
        for (const k of await listKeks(sql, keyring))
          log(
            `${k.kid}  ${k.active ? "active" : "old   "}  ${k.inKeyring ? "in keyring" : "NOT IN KEYRING"}  ${k.dataKeys} data keys`,
          );
        return 0;
      }
      case "verify": {
        const result = await verifySealed(sql, await readKeyring(settings));
        for (const line of result.failed) log(`unreadable: ${line}`);
        log(`${result.opened} encrypted values readable, ${result.failed.length} unreadable`);
        return result.failed.length ? 1 : 0;
      }
    }
    console.error(usage);
    return 2;
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`keys: ${(err as Error).message}`);
    process.exit(1);
  },
);
