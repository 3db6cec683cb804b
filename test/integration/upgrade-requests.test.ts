import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRemoteCommandPath } from "../../api/kube/index.ts";
import { attachGraphQLWebSocket } from "../../server/graphql-ws.ts";
import { attachPortForward, takesPortForward } from "../../server/port-forward.ts";
import { attachRemoteCommands } from "../../server/remote-command.ts";
import { answerUnhandledUpgrades } from "../../server/upgrade-fallback.ts";
import { testApp, testCaPem } from "../support/app.ts";

// Every upgrade handler of the Node listener, as main.ts attaches them, against upgrade requests
// whose target is no URL: each is answered (or dropped), and the process goes on serving. A throw
// in an 'upgrade' listener would be an uncaught exception, which ends the service (and fails this
// file).
const t = testApp();
let server: Server;
const stops: (() => unknown)[] = [];
let port = 0;

beforeAll(async () => {
  server = createServer(getRequestListener(t.app.fetch));
  const kubeDeps = { database: t.database, feed: t.feed, signingKey: t.auth.signingKey };
  stops.push(
    attachGraphQLWebSocket(server, {
      database: t.database,
      feed: t.feed,
      auth: t.auth,
      server: { baseUrl: "https://127.0.0.1:1", caPem: testCaPem },
    }),
    attachPortForward(server, kubeDeps),
    attachRemoteCommands(server, kubeDeps),
    answerUnhandledUpgrades(
      server,
      t.app.fetch,
      (path, req) => path === "/graphql" || isRemoteCommandPath(path) || takesPortForward(req),
    ),
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
});
afterAll(async () => {
  for (const stop of stops) await stop();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

/** Sends raw request bytes; the first line of the answer, or "" when the connection just closes. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    socket.on("data", (d) => {
      got += d;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(got.split("\r\n")[0] ?? ""));
  });
}

describe("upgrade requests whose target is no URL", () => {
  it.each([
    [
      "a WebSocket upgrade",
      "GET //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    ],
    [
      "a SPDY upgrade",
      "POST //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n",
    ],
  ])("%s is answered, and the server keeps serving", async (_name, request) => {
    // The app answers it as a path it does not serve.
    expect(await raw(request)).toBe("HTTP/1.1 404 Not Found");
    const version = await fetch(`http://127.0.0.1:${port}/version`);
    expect(version.status).toBe(200);
    await version.body?.cancel();
  });

  it("a host that makes no URL gets the API server's 400 (or, for exec, a closed connection); the server keeps serving", async () => {
    const upgrade = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: [\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`;
    expect(await raw(upgrade("/api/v1/namespaces"))).toBe("HTTP/1.1 400 Bad Request");
    expect(await raw(upgrade("/api/v1/namespaces/default/pods/p/exec?command=sh"))).toBe("");
    const version = await fetch(`http://127.0.0.1:${port}/version`);
    expect(version.status).toBe(200);
    await version.body?.cancel();
  });
});
