import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { compatibilityDate, compatibilityFlags, wranglerToml } from "./wrangler-toml.ts";

/**
 * `npm run build:worker`: the Workers bundle of serverless/worker.ts in dist/worker (worker.js,
 * argon2's WebAssembly modules beside it) and its wrangler.toml. Packages are resolved as workerd
 * resolves them (`workerd` and `worker` conditions first: postgres.js over `cloudflare:sockets`,
 * argon2 in WebAssembly); Node's built-ins stay imports, which workerd's nodejs_compat serves.
 */
export const root = resolve(import.meta.dirname, "..", "..");
export const workerDir = join(root, "dist", "worker");

/**
 * graphql ships CJS and ESM copies: the bundle must hold one, or its instanceof checks fail (see
 * vitest.config.ts). Its subpaths resolve to the CJS files; the bare name is sent there too.
 */
export const oneGraphql: Plugin = {
  name: "one-graphql",
  setup(b) {
    b.onResolve({ filter: /^graphql$/ }, () => ({ path: join(root, "node_modules", "graphql", "index.js") }));
  },
};

/**
 * just-bash's tar, which its browser build (the one resolved here) leaves out: `just-bash-node-tar`
 * is the Node build's tar chunk. Its code is web-standard (gzip through CompressionStream; xz and
 * zstd imported only when asked, inside a try); only the line each chunk of that build opens
 * with, a `require` made from `import.meta.url` (which workerd does not give a module, and these
 * chunks never call), is left out.
 */
const justBashChunks = join(root, "node_modules", "just-bash", "dist", "bundle", "chunks");
const requireLine = 'import{createRequire} from"node:module";const require=createRequire(import.meta.url);';
const justBashTar: Plugin = {
  name: "just-bash-node-tar",
  setup(b) {
    b.onResolve({ filter: /^just-bash-node-tar$/ }, async () => {
      const chunk = (await readdir(justBashChunks)).find((name) => /^tar-\w+\.js$/.test(name));
      if (!chunk) throw new Error(`no tar chunk in ${justBashChunks}`);
      return { path: join(justBashChunks, chunk) };
    });
    b.onResolve({ filter: /^(node-liblzma|@mongodb-js\/zstd)$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
    b.onLoad({ filter: /just-bash[\\/]dist[\\/]bundle[\\/]chunks[\\/].*\.js$/ }, async (args) => {
      const code = await readFile(args.path, "utf8");
      return { contents: code.startsWith(requireLine) ? code.slice(requireLine.length) : code, loader: "js" };
    });
  },
};

/** argon2's WebAssembly, imported by the entry point: kept as modules beside the bundle. */
const wasmModules = ["argon2.wasm", "blake2b.wasm"];
const wasmBeside: Plugin = {
  name: "wasm-beside",
  setup(b) {
    b.onResolve({ filter: /^argon2-wasm-edge\/wasm\/\w+\.wasm$/ }, (args) => ({
      path: `./${args.path.split("/").pop()}`,
      external: true,
    }));
  },
};

/** How miniflare runs a built bundle (as wrangler.toml tells Cloudflare): its modules, the bundle first, and flags. */
export function workerdOptions(outDir = workerDir) {
  return {
    modules: [
      { type: "ESModule" as const, path: join(outDir, "worker.js") },
      ...wasmModules.map((name) => ({ type: "CompiledWasm" as const, path: join(outDir, name) })),
    ],
    modulesRoot: outDir,
    compatibilityDate,
    compatibilityFlags,
  };
}

export async function buildWorker(outDir = workerDir): Promise<{ bundle: string; bytes: number }> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, "serverless", "worker.ts")],
    outfile: join(outDir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["node:*", "cloudflare:*"],
    plugins: [oneGraphql, wasmBeside, justBashTar],
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  const wasm = join(root, "node_modules", "argon2-wasm-edge", "wasm");
  for (const name of wasmModules) await copyFile(join(wasm, name), join(outDir, name));
  await writeFile(join(outDir, "wrangler.toml"), wranglerToml());
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { bundle: join(outDir, "worker.js"), bytes };
}

if (import.meta.main) {
  const { bundle, bytes } = await buildWorker();
  console.log(`${bundle}: ${(bytes / 1024).toFixed(0)} KiB`);
}
