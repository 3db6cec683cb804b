import { Miniflare } from "miniflare";

const dir = "/work/wt-serverless/dist/worker";
const mf = new Miniflare({
  modules: [
    { type: "ESModule", path: `${dir}/worker.js` },
    { type: "CompiledWasm", path: `${dir}/argon2.wasm` },
    { type: "CompiledWasm", path: `${dir}/blake2b.wasm` },
  ],
  modulesRoot: dir,
  compatibilityDate: "2026-07-01",
  compatibilityFlags: ["nodejs_compat"],
  bindings: {
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/h4dev",
    KUBESANDBOX_JWT_SECRET: "x".repeat(40),
    KUBESANDBOX_KEK: process.env.KEK,
    PUBLIC_URL: "https://127.0.0.1:1",
  },
});
const t0 = performance.now();
const url = await mf.ready;
console.log("ready", url.href, performance.now() - t0);
let r = await fetch(new URL("/healthz", url));
console.log(r.status, await r.text());
r = await fetch(new URL("/graphql", url), {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    query: `mutation{signUp(email:"mf${Date.now()}@example.com",password:"correct-horse-9"){token}}`,
  }),
});
console.log(r.status, (await r.text()).slice(0, 300));
await mf.dispose();
