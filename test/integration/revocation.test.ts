import { describe, expect, it } from "vitest";
import { accessChannel, revocationPollMs } from "../../accounts/access-cache.ts";
import { testApp } from "../support/app.ts";
import { readWatch, within } from "../support/watch-stream.ts";

/**
 * Revoking a token, or deleting a sandbox, ends the watches open with it within a second, in
 * every process (the notice on the access channel reaches them all); and a sandbox id is the
 * same sandbox whatever its case. On a serverless runtime (test/support/integration-on.ts), where
 * no notice reaches the app, a watch sees it at its next access check (every revocationPollMs),
 * after that check's round trip to the database.
 */
const t = testApp();
const endsWithinMs = t.runtime === "node" ? 1000 : revocationPollMs + 1000;
const watchPath = "/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true";

/** The id (`jti`) a token carries, which revocation notices name. */
function tokenId(token: string): string {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).jti;
}

describe("revocation ends open watches", () => {
  it("logOut ends a watch opened with that login token within a second (serverless: at its next access check)", async () => {
    const sb = await t.newSandbox("logout");
    const mine = readWatch(await t.kube(sb.sandboxId, sb.userToken, watchPath));
    const kubeconfig = readWatch(await t.kube(sb.sandboxId, sb.sandboxToken, watchPath));
    const out = await t.gql("mutation{logOut}", {}, sb.userToken);
    expect(out.data.logOut).toBe(true);
    expect(await within(mine.ended, endsWithinMs)).toBe(true);
    // The kubeconfig's token is another token: its watch goes on.
    expect(kubeconfig.done()).toBe(false);
    expect((await t.kube(sb.sandboxId, sb.userToken, "/api/v1/namespaces")).status).toBe(401);
    await kubeconfig.cancel();
  });

  it("deleting the sandbox ends its watches, of every token, within a second (serverless: at their next access check)", async () => {
    const sb = await t.newSandbox("deleted");
    const watches = [
      readWatch(await t.kube(sb.sandboxId, sb.sandboxToken, watchPath)),
      readWatch(await t.kube(sb.sandboxId, sb.userToken, watchPath)),
    ];
    const gone = await t.gql("mutation($id:ID!){deleteSandbox(id:$id)}", { id: sb.sandboxId }, sb.userToken);
    expect(gone.errors).toBeUndefined();
    for (const w of watches) expect(await within(w.ended, endsWithinMs)).toBe(true);
  });

  it("a revocation by another process ends the watch here", async () => {
    const sb = await t.newSandbox("elsewhere");
    const w = readWatch(await t.kube(sb.sandboxId, sb.sandboxToken, watchPath));
    // As another API process revokes, from a connection of its own: the row, and the notice.
    const id = tokenId(sb.sandboxToken);
    await t.database.sql`UPDATE tokens SET revoked_at = now() WHERE id = ${id}`;
    await t.database.sql`SELECT pg_notify(${accessChannel}, ${`token:${id}`})`;
    expect(await within(w.ended, endsWithinMs)).toBe(true);
  });
});

describe("sandbox ids in upper case", () => {
  it("name the same sandbox: writes through them wake the watch, deleting through them ends it", async () => {
    const sb = await t.newSandbox("upper");
    const upper = sb.sandboxId.toUpperCase();
    const list = await (
      await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/configmaps")
    ).json();
    const from = `&resourceVersion=${list.metadata.resourceVersion}`;
    const w = readWatch(await t.kube(sb.sandboxId, sb.sandboxToken, `${watchPath}${from}`));
    const made = await t.kube(upper, sb.sandboxToken, "/api/v1/namespaces/default/configmaps", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "via-upper" } }),
    });
    expect(made.status).toBe(201);
    expect(await w.waitFor(1, 1000)).toBe(true);
    expect(w.events[0]).toMatchObject({ type: "ADDED", object: { metadata: { name: "via-upper" } } });
    const gone = await t.gql("mutation($id:ID!){deleteSandbox(id:$id)}", { id: upper }, sb.userToken);
    expect(gone.errors).toBeUndefined();
    expect(await within(w.ended, endsWithinMs)).toBe(true);
    // The grant the token had is forgotten: no request gets in on it any more.
    expect((await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces")).status).toBe(401);
    expect((await t.kube(upper, sb.sandboxToken, "/api/v1/namespaces")).status).toBe(401);
  });
});
