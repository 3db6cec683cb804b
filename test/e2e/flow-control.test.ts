import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { kubectl, sandboxKubeconfig, useSandbox } from "../support/service.ts";

// The service this file starts reads its flow control from the environment: one seat, one
// request of each flow waiting, and a wait long enough that the queued request stays queued.
const settings = {
  FLOW_CONTROL_SEATS: "1",
  FLOW_CONTROL_QUEUE_LENGTH: "1",
  FLOW_CONTROL_QUEUE_WAIT_SECONDS: "120",
};
Object.assign(process.env, settings);
afterAll(() => {
  for (const name of Object.keys(settings)) delete process.env[name];
});

const cluster = useSandbox("flow-control");

/** The service's flow-control gauges, from /metrics. */
async function flowControlLoad(http: string) {
  const text = await (await fetch(`${http}/metrics`)).text();
  const gauge = (name: string) =>
    Number(
      new RegExp(`^kubesandbox_flowcontrol_current_${name}_requests (\\d+)$`, "m").exec(text)?.[1] ?? -1,
    );
  return { executing: gauge("executing"), waiting: gauge("inqueue") };
}

/** A GraphQL POST with the token whose body is not finished until `finish()`: it holds its seat. */
function hold(http: string, token: string) {
  let finish = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"query":'));
      finish = () => {
        controller.enqueue(new TextEncoder().encode('"{ __typename }"}'));
        controller.close();
      };
    },
  });
  const res = fetch(`${http}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
    duplex: "half",
  } as RequestInit);
  // Awaited by the test; a failure before that must not also be an unhandled rejection.
  res.catch(() => {});
  return { res, finish: () => finish() };
}

describe("a flow past its share, with the real kubectl", () => {
  it("is told TooManyRequests as a real cluster's APF tells it; another tenant's kubectl is served", async () => {
    const { service, sandbox } = cluster;
    const other = await sandboxKubeconfig(service, "flow-control-other");
    const token = /token: (\S+)/.exec(await readFile(sandbox.path, "utf8"))?.[1] ?? "";
    // Discovery cached first, as after any earlier kubectl: the refusal is then the list's own.
    expect((await cluster.kubectl("get", "configmaps", "-o", "name")).code).toBe(0);
    // The sandbox token's flow: one request in its seat, one in its queue.
    const holds = [hold(service.http, token), hold(service.http, token)];
    for (;;) {
      const load = await flowControlLoad(service.http);
      if (load.executing === 1 && load.waiting === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // client-go retries a 429 after its Retry-After (ten times), then reports it.
    const refused = await cluster.kubectl("get", "configmaps");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split("\n").at(-1)).toBe(
      "Error from server (TooManyRequests): the server has received too many requests and has asked us to try again later (get configmaps)",
    );
    const served = await kubectl(other.path, ["get", "configmaps", "kube-root-ca.crt", "-o", "name"]);
    expect(served).toMatchObject({ code: 0, stdout: "configmap/kube-root-ca.crt\n" });
    for (const h of holds) h.finish();
    for (const h of holds) expect((await h.res).status).toBe(200);
    expect((await cluster.kubectl("get", "configmaps", "kube-root-ca.crt", "-o", "name")).stdout).toBe(
      "configmap/kube-root-ca.crt\n",
    );
  });
});
