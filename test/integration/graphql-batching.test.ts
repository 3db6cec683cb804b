import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import type { Database } from "../../db/connection.ts";
import { testApp, testCaPem } from "../support/app.ts";

/**
 * No N+1: the statements a query sends do not grow with the number of objects it walks. The app
 * here runs on a copy of the database handle whose `sql` counts every tagged-template call (a
 * statement or a fragment of one), so two sandboxes of different sizes can be compared.
 */
const t = testApp();
let calls = 0;
const counting: Database = {
  ...t.database,
  sql: new Proxy(t.database.sql, {
    apply(target, self, args) {
      calls++;
      return Reflect.apply(target, self, args);
    },
  }),
};
const app = createApp({
  database: counting,
  feed: t.feed,
  auth: t.auth,
  server: { baseUrl: "https://127.0.0.1:1", caPem: testCaPem },
  ready: () => true,
});

async function sandboxWith(pods: number) {
  const sb = await t.newSandbox(`batch-${pods}`);
  const docs = [
    `apiVersion: v1
kind: ReplicationController
metadata: {name: web}
spec: {replicas: 0, selector: {app: web}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}}`,
    `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}`,
  ];
  await t.gql(
    `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
    { s: sb.sandboxId, m: docs.join("\n---\n") },
    sb.userToken,
  );
  const rc = await (
    await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/replicationcontrollers/web")
  ).json();
  const addresses = [];
  for (let i = 0; i < pods; i++) {
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        metadata: {
          name: `web-${i}`,
          labels: { app: "web" },
          ownerReferences: [
            {
              apiVersion: "v1",
              kind: "ReplicationController",
              name: "web",
              uid: rc.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      }),
    });
    expect(res.status).toBe(201);
    addresses.push({
      ip: `10.0.0.${i + 1}`,
      targetRef: { kind: "Pod", name: `web-${i}`, namespace: "default" },
    });
  }
  await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/endpoints", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ metadata: { name: "web" }, subsets: [{ addresses }] }),
  });
  return sb;
}

/** The statements (and fragments) the sandbox overview costs, and its answer. */
async function overview(sb: Awaited<ReturnType<typeof sandboxWith>>) {
  const query = `query($s:ID!){sandbox(id:$s){
    pods{nodes{name owner{kind name} events{reason} node{name}}}
    services{nodes{name endpoints{ip pod{name owner{name}}} pods{name}}}
    replicationControllers{nodes{name pods{name}}}}}`;
  calls = 0;
  const res = await app.request("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${sb.userToken}` },
    body: JSON.stringify({ query, variables: { s: sb.sandboxId } }),
  });
  const body = await res.json();
  expect(body.errors).toBeUndefined();
  return { calls, data: body.data };
}

describe("batching", () => {
  it("answers an overview of 2 pods and of 20 with the same statements", async () => {
    const small = await overview(await sandboxWith(2));
    const big = await overview(await sandboxWith(20));
    expect(small.data.sandbox.pods.nodes).toHaveLength(2);
    expect(big.data.sandbox.pods.nodes).toHaveLength(20);
    const web = big.data.sandbox.services.nodes.find((n: any) => n.name === "web");
    expect(web.endpoints).toHaveLength(20);
    expect(web.endpoints.every((e: any) => e.pod?.owner?.name === "web")).toBe(true);
    expect(web.pods).toHaveLength(20);
    expect(big.data.sandbox.pods.nodes.every((p: any) => p.owner?.name === "web")).toBe(true);
    expect(big.calls).toBe(small.calls);
  });
});
