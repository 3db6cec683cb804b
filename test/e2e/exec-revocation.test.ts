import { beforeAll, describe, expect, it } from "vitest";
import { expectExecEndedByRevocation } from "../support/kubectl-streams.ts";
import { kubectlPath, revocableKubeconfig, useSandbox } from "../support/service.ts";

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
const issued = (label: string) => revocableKubeconfig(cluster.service, cluster.sandbox, label);

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
