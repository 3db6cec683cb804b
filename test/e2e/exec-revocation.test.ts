import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, kubectlPath, useSandbox } from "../support/service.ts";

// An open exec session ends when its token is revoked, as a watch does: on `npm start` at the
// revocation's NOTIFY (test/serverless/streams-workerd.test.ts: within a second on workerd).
const cluster = useSandbox("exec-revocation");
const gcloud = "/usr/lib/google-cloud-sdk/bin";
const stops: (() => void)[] = [];

afterAll(() => {
  for (const stop of stops) stop();
});

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
      // stdin held open: `cat` waits for its end, as long as the session lasts.
      const child = spawn(binary, ["exec", "-i", "web", "--", "cat"], {
        env: { ...process.env, KUBECONFIG: kubeconfig.path },
      });
      stops.push(() => child.kill("SIGKILL"));
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((done) => child.on("close", done));
      await new Promise((r) => setTimeout(r, 2_000));
      expect(child.exitCode).toBeNull();
      expect((await kubeconfig.revoke()).errors).toBeUndefined();
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still open"), 5_000))]);
      expect(code).toBe(1);
      expect(stderr).toContain("Unauthorized");
    });
});
