import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { oneGraphql, root } from "./worker.ts";
import { zip } from "./zip.ts";

/**
 * `npm run build:lambda`: the Lambda package of serverless/lambda.ts. One ES module bundle
 * (index.mjs) with nothing native in it — argon2 in WebAssembly (the `lambda` condition of
 * package.json `imports`), postgres.js over node:net — so the same zip runs on x86_64 and arm64;
 * it is written once per architecture, as each function is deployed from its own.
 */
export const lambdaDir = join(root, "dist", "lambda");
export const architectures = ["x86_64", "arm64"] as const;

export async function buildLambda(
  outDir = lambdaDir,
): Promise<{ bundle: string; zips: string[]; bytes: number }> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, "package"), { recursive: true });
  const bundle = join(outDir, "package", "index.mjs");
  const result = await build({
    entryPoints: [join(root, "serverless", "lambda.ts")],
    outfile: bundle,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    conditions: ["lambda"],
    // just-bash imports zstd only when a script decompresses zstd, inside a try: absent, it says so.
    external: ["@mongodb-js/zstd"],
    plugins: [oneGraphql],
    // CommonJS dependencies call require() for Node's built-ins: give the ES module one.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  const code = await readFile(bundle);
  const zips: string[] = [];
  for (const arch of architectures) {
    const path = join(outDir, `kubesandbox-lambda-${arch}.zip`);
    await writeFile(path, zip([{ name: "index.mjs", data: code }]));
    zips.push(path);
  }
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { bundle, zips, bytes };
}

if (import.meta.main) {
  const { zips, bytes } = await buildLambda();
  console.log(`index.mjs: ${(bytes / 1024).toFixed(0)} KiB\n${zips.join("\n")}`);
}
