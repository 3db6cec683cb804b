import { Miniflare } from "miniflare";
import { loadConfig } from "../../config.ts";
import { readKeyringFile } from "../../db/crypto/keyring-file.ts";
import { defaultKeyringPath } from "../../db/crypto/open.ts";
import { ensureTls } from "../../server/certs.ts";
import { tokenSigningKey } from "../../server/secrets.ts";
import { buildWorker, workerdOptions } from "./worker.ts";

/**
 * `npm run dev:worker`: the worker bundle in workerd (miniflare), as it would run on Cloudflare,
 * serving https on PORT with DATA_DIR's CA (the one `npm start` made, or a new one) against
 * DATABASE_URL, its kubeconfigs naming PUBLIC_URL. The keys are those of `npm start` and
 * `npm run worker`: KUBESANDBOX_JWT_SECRET and KUBESANDBOX_KEK, or the files under DATA_DIR. Run
 * `npm run migrate` first and `npm run worker` beside it (the controllers).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error("npm run dev:worker needs DATABASE_URL (run npm run migrate on it first)");
  const publicUrl = config.PUBLIC_URL ?? `https://${config.HOST}:${config.PORT}`;
  const tls = await ensureTls(config.DATA_DIR, [new URL(publicUrl).hostname]);
  const signingKey = new TextDecoder().decode(await tokenSigningKey(config.DATA_DIR));
  const kek =
    config.KUBESANDBOX_KEK ??
    (await readKeyringFile(config.KUBESANDBOX_KEK_FILE ?? defaultKeyringPath(config.DATA_DIR))).join(",");
  const { bundle, bytes } = await buildWorker();
  const settings = Object.fromEntries(
    Object.entries(process.env).filter(([name]) =>
      /^(LIMIT_|GRAPHQL_)|^(ALLOWED_ORIGINS|TOKEN_TTL_SECONDS)$/.test(name),
    ),
  ) as Record<string, string>;
  const mf = new Miniflare({
    ...workerdOptions(),
    host: config.HOST,
    port: config.PORT,
    https: true,
    httpsKey: tls.keyPem,
    httpsCert: tls.certPem,
    bindings: {
      ...settings,
      DATABASE_URL: config.DATABASE_URL,
      KUBESANDBOX_JWT_SECRET: signingKey,
      KUBESANDBOX_KEK: kek,
      PUBLIC_URL: publicUrl,
      CLUSTER_CA_PEM: tls.caPem,
    },
  });
  const url = await mf.ready;
  console.log(`kubesandbox's worker bundle (${bundle}, ${(bytes / 1024).toFixed(0)} KiB) in workerd
  GraphQL:         ${url.origin}/graphql   (https; the CA is ${config.DATA_DIR}/tls/ca.crt)
  Kubernetes API:  ${publicUrl}/sandboxes/<id>
Run the controllers beside it: DATABASE_URL=... npm run worker`);
  const stop = async () => {
    await mf.dispose();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
