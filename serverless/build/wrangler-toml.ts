/**
 * The wrangler.toml `npm run build:worker` writes beside the bundle: nodejs_compat (postgres.js
 * and the app use Buffer, node:crypto and AsyncLocalStorage), argon2's WebAssembly as compiled
 * modules, Hyperdrive for the database, and the secrets it needs named (set each with
 * `wrangler secret put`).
 */
export const compatibilityDate = "2026-07-01";
export const compatibilityFlags = ["nodejs_compat"];

export function wranglerToml(): string {
  return `# Written by npm run build:worker. Deploy with: npx wrangler deploy (from this folder)
name = "kubesandbox"
main = "worker.js"
compatibility_date = "${compatibilityDate}"
compatibility_flags = ${JSON.stringify(compatibilityFlags)}
no_bundle = true
find_additional_modules = true
rules = [{ type = "CompiledWasm", globs = ["**/*.wasm"], fallthrough = false }]

# The database: a Hyperdrive configuration in front of the Postgres that \`npm run worker\` (the
# controllers) uses too. Make one with: npx wrangler hyperdrive create kubesandbox --connection-string=postgres://...
[[hyperdrive]]
binding = "HYPERDRIVE"
id = "<your Hyperdrive id>"

[vars]
# The https address kubeconfigs name: the Worker's route or custom domain.
PUBLIC_URL = "https://kubesandbox.example.com"
# ALLOWED_ORIGINS, TOKEN_TTL_SECONDS and the LIMIT_* settings are read as on Node (config.ts).

# Secrets (npx wrangler secret put NAME), the same values as the controllers' host:
#   KUBESANDBOX_JWT_SECRET  the token signing key (32 characters or more)
#   KUBESANDBOX_KEK         the key-encryption key(s) of Secrets
# and, only when the Worker serves behind a certificate that is not publicly trusted:
#   CLUSTER_CA_PEM          the CA kubeconfigs trust
`;
}
