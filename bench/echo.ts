import { spawn } from "node:child_process";
import { once } from "node:events";
import { benchPod } from "./client.ts";
import { throughput } from "./stats.ts";

/**
 * A node:http server, in a process of its own, that answers each POST with its body: an API
 * whose every request costs nothing but HTTP. It prints its port once it listens.
 */
const echoServer = `
  const server = require("node:http").createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end(Buffer.concat(chunks));
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

/**
 * The floor under the create figure: pod manifests POSTed per second, from this client at the
 * same concurrency, to a server that does nothing with them. No API over HTTP on this machine
 * creates pods faster than this.
 */
export async function httpEchoPerSecond(concurrency: number, seconds: number): Promise<number> {
  const child = spawn(process.execPath, ["-e", echoServer], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const url = `http://127.0.0.1:${Number(line.toString())}/`;
    const body = JSON.stringify(benchPod("echo", { app: "rate" }));
    return await throughput(concurrency, seconds, async () => {
      const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      await res.text();
    });
  } finally {
    child.kill();
  }
}
