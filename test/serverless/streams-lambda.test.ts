import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { suiteDatabaseUrl } from "../support/db.ts";
import { type ServerlessService, startLambda } from "../support/serverless.ts";
import { type ServerlessClient, serverlessClient, upgradeTo } from "../support/serverless-client.ts";
import { kubectl, kubectlPath } from "../support/service.ts";

// Lambda's Function URLs do not upgrade to WebSocket (nor to SPDY): a pod's streams and
// graphql-ws get a clear answer there, through the same gate as on the runtimes that serve them,
// at once — not a 500, and not a connection left hanging.
let service: ServerlessService;
let client: ServerlessClient;
let sb: Awaited<ReturnType<ServerlessClient["sandbox"]>>;
const k = (...args: string[]) => kubectl(sb.path, args);

beforeAll(async () => {
  service = await startLambda(suiteDatabaseUrl(), inject("kek"));
  client = serverlessClient(service);
  sb = await client.sandbox("lambda-streams");
  expect((await k("run", "web", "--image=nginx")).code).toBe(0);
  for (let i = 0; i < 240 && !(await k("get", "pod", "web", "--no-headers")).stdout.includes("Running"); i++)
    await new Promise((r) => setTimeout(r, 250));
}, 120_000);

afterAll(async () => {
  if (service) expect(await service.stop()).toBe(0);
});

const exec = (pod: string) =>
  `/sandboxes/${sb.id}/api/v1/namespaces/default/pods/${pod}/exec?command=true&stdout=true`;

describe("a pod's streams through the Lambda handler", () => {
  it("kubectl exec is told the API server's 400 Upgrade request required, and exits at once", async () => {
    const started = Date.now();
    const refused = await k("exec", "web", "--", "true");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Upgrade request required");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("kubectl port-forward (WebSocket, then SPDY) is told the same, and exits", async () => {
    const child = spawn(kubectlPath, ["port-forward", "pod/web", "18392:80"], {
      env: { ...process.env, KUBECONFIG: sb.path },
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const code = await Promise.race([
      new Promise((done) => child.on("close", done)),
      new Promise((done) => setTimeout(() => done("still running"), 15_000)),
    ]);
    child.kill("SIGKILL");
    expect(output).toContain("Upgrade request required");
    expect(code).toBe(1);
  });

  it("the gate answers first: 404 for a missing pod, 401 without a token; a pod that may be exec'd into, 400", async () => {
    const missing = await upgradeTo(service, exec("nope"), sb.token, ["v5.channel.k8s.io"]);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ reason: "NotFound", message: 'pods "nope" not found' });
    expect((await upgradeTo(service, exec("web"), "", ["v5.channel.k8s.io"])).status).toBe(401);
    const web = await upgradeTo(service, exec("web"), sb.token, ["v5.channel.k8s.io"]);
    expect(web.status).toBe(400);
    expect(JSON.parse(web.body)).toMatchObject({ reason: "BadRequest", message: "Upgrade request required" });
  });

  it("a graphql-ws upgrade is answered 400, naming SSE for subscriptions", async () => {
    const refused = await upgradeTo(service, "/graphql", sb.userToken, ["graphql-transport-ws"]);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors[0]).toMatchObject({
      extensions: { code: "WEBSOCKET_UNSUPPORTED" },
    });
  });
});
