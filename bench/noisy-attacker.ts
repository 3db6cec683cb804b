import { tlsFetch } from "../test/support/tls-fetch.ts";

/**
 * The noisy neighbour of the bench's noisy section, in a process of its own (so its work is not
 * the measuring client's): one tenant hammering the service until it is killed, the way issue 19
 * found it could. `NOISY` (JSON) says where and how:
 * - watchStorm: keeps trying to hold 200 watches on its sandbox, and writes to it so each write
 *   wakes all it holds;
 * - aliasBombs: GraphQL queries of 200 aliases of `sandboxes { kubeconfig }`;
 * - hugePatches: merge patches just under the 3 MiB body limit, and chunked 50 MB bodies;
 * - logInFlood: log-ins with a wrong password, as fast as they are answered;
 * - all: every one of them at once.
 */
interface Spec {
  mode: "watchStorm" | "aliasBombs" | "hugePatches" | "logInFlood" | "all";
  http: string;
  https: string;
  caPem: string;
  sandboxId: string;
  sandboxToken: string;
  userToken: string;
  email: string;
}

const spec = JSON.parse(process.env.NOISY ?? "{}") as Spec;
const kubeFetch = tlsFetch(spec.caPem);
const base = `${spec.https}/sandboxes/${spec.sandboxId}`;
const auth = { authorization: `Bearer ${spec.sandboxToken}` };

/** Runs `attack` from `n` loops forever; a failed call is part of the attack, not its end. */
function loops(n: number, attack: (i: number) => Promise<unknown>) {
  let next = 0;
  for (let l = 0; l < n; l++)
    void (async () => {
      for (;;) await attack(next++).catch(() => new Promise((r) => setTimeout(r, 10)));
    })();
}

async function drain(res: Response) {
  await res.arrayBuffer().catch(() => {});
}

function watchStorm() {
  // Each loop holds a watch as long as the server keeps it, and asks again at once if refused.
  loops(200, async () => {
    const res = await kubeFetch(`${base}/api/v1/namespaces/default/configmaps?watch=1`, { headers: auth });
    await drain(res);
    if (res.status === 429) await new Promise((r) => setTimeout(r, 50));
  });
  loops(4, async (i) => {
    const res = await kubeFetch(`${base}/api/v1/namespaces/default/configmaps/storm-${i % 50}`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `storm-${i % 50}` },
        data: { i: String(i) },
      }),
    });
    await drain(res);
  });
}

function aliasBombs() {
  const query = `{${Array.from({ length: 200 }, (_, i) => `a${i}: sandboxes { kubeconfig }`).join(" ")}}`;
  loops(4, async () => {
    const res = await fetch(`${spec.http}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${spec.userToken}` },
      body: JSON.stringify({ query }),
    });
    await drain(res);
  });
}

function hugePatches() {
  const huge = JSON.stringify({ data: { x: "y".repeat(3 * 1024 * 1024 - 100) } });
  loops(8, async () => {
    const res = await kubeFetch(`${base}/api/v1/namespaces/default/configmaps/target`, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/merge-patch+json" },
      body: huge,
    });
    await drain(res);
  });
  const chunk = new Uint8Array(1024 * 1024).fill(32);
  loops(2, async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 50) controller.close();
        else controller.enqueue(chunk);
      },
    });
    // Chunked, with no length the server could refuse it by: it must read, and stop at 3 MiB.
    const res = await kubeFetch(`${base}/api/v1/namespaces/default/configmaps/target`, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/merge-patch+json" },
      body,
    });
    await drain(res);
  });
}

function logInFlood() {
  loops(8, async (i) => {
    const res = await fetch(`${spec.http}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "mutation($e:String!,$p:String!){logIn(email:$e,password:$p){token}}",
        variables: { e: spec.email, p: `wrong-password-${i}` },
      }),
    });
    await drain(res);
  });
}

const attacks = { watchStorm, aliasBombs, hugePatches, logInFlood };
if (spec.mode === "all") for (const attack of Object.values(attacks)) attack();
else attacks[spec.mode]();
