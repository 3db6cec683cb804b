import { afterAll, describe, expect, it } from "vitest";
import {
  graphql,
  kubectl,
  removeDataDir,
  type Service,
  sandboxKubeconfig,
  startService,
} from "../support/service.ts";

let service: Service | null = null;
let dataDir = "";

afterAll(async () => {
  await service?.stop();
  if (dataDir) await removeDataDir(dataDir);
});

describe("npm start on its embedded Postgres", () => {
  it("keeps users, sandboxes, the CA and the signing key across a Ctrl-C and restart", async () => {
    service = await startService(null);
    dataDir = service.dataDir;
    const sandbox = await sandboxKubeconfig(service, "emb");
    expect((await kubectl(sandbox.path, ["get", "nodes"])).stdout).toMatch(/ Ready /);
    const email = `emb-${Date.now()}@example.com`;
    await graphql(service.http, `mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`, {
      e: email,
    });

    const first = service;
    expect(await service.stop()).toBe(0);
    service = await startService(null, first);

    const login = await graphql(
      service.http,
      `mutation($e:String!){logIn(email:$e,password:"correct-horse-9"){token}}`,
      { e: email },
    );
    expect(login.data.logIn.token).toBeTruthy();
    // The kubeconfig handed out before the restart still works: same CA, same sandbox, same token.
    const nodes = await kubectl(sandbox.path, ["get", "nodes", "--no-headers"]);
    expect(nodes.stdout.trim().split("\n")).toHaveLength(3);
    // Ctrl-C in a terminal reaches Postgres as well, which may go first: it still stops, cleanly,
    // even with the controllers busy (a sandbox just made).
    await sandboxKubeconfig(service, "late");
    const started = Date.now();
    const last = service;
    expect(await last.interruptGroup(), last.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    service = null;
  });
});
