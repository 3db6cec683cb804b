import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectExecEndedByRevocation } from "../support/kubectl-streams.ts";
import { graphql, kubectlPath, useSandbox } from "../support/service.ts";

// An open exec session ends when its token is revoked, as a watch does: on `npm start` at the
// revocation's NOTIFY (test/serverless/streams-workerd.test.ts: within a second on workerd).
const cluster = useSandbox("exec-revocation");
const gcloud = "/usr/lib/google-cloud-sdk/bin";

beforeAll(async () => {
  const k = cluster.kubectl;
  expect((await k("run", "web", "--image=nginx")).code).toBe(0);
  for (let i = 0; i < 240 && !(await k("get", "pod", "web", "--no-headers")).stdout.includes("Running"); i++)
    await new Promise((r) => setTimeout(r, 250));
});

/** A kubeconfig issued by hand for the sandbox, and how to revoke it. */
async function issued(label: string) {
  const { http } = cluster.service;
  const { userToken, id } = cluster.sandbox;
  const made = await graphql(
    http,
    `mutation($s:ID!,$l:String!){issueKubeconfig(sandboxId:$s,label:$l){token{id} kubeconfig}}`,
    { s: id, l: label },
    userToken,
  );
  const path = join(cluster.service.dataDir, `kubeconfig-${label}`);
  await writeFile(path, made.data.issueKubeconfig.kubeconfig);
  return {
    path,
    revoke: () =>
      graphql(
        http,
        `mutation($t:ID!){revokeKubeconfig(tokenId:$t)}`,
        { t: made.data.issueKubeconfig.token.id },
        userToken,
      ),
  };
}

describe("an exec session whose token is revoked", () => {
  for (const { name, binary } of [
    { name: "kubectl 1.32 (WebSocket)", binary: kubectlPath },
    { name: "kubectl 1.29 (SPDY/3.1)", binary: `${gcloud}/kubectl.1.29` },
  ])
    it(`${name}: ends, and kubectl says why`, async () => {
      const kubeconfig = await issued(`exec-${name.replace(/\W+/g, "-")}`);
      await expectExecEndedByRevocation(binary, kubeconfig.path, "web", kubeconfig.revoke, 5_000);
    });
});
