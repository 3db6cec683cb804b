import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import WebSocket from "ws";
import type { ServerlessService } from "./serverless.ts";
import { type TlsFetch, tlsFetch } from "./tls-fetch.ts";

/** A caller of a serverless runtime over its https front: GraphQL, and users with sandboxes made through it. */
export interface ServerlessClient {
  fetch: TlsFetch;
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ data?: any; errors?: any[] }>;
  /** A new user and a sandbox of theirs; the kubeconfig written to the service's folder. */
  sandbox(
    name: string,
  ): Promise<{ userToken: string; id: string; kubeconfig: string; path: string; token: string }>;
}

/** The password of the users serverlessClient makes. */
export const testPassword = "correct-horse-9";

/** A unique email for a test's user. */
export const testEmail = (name: string) =>
  `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** The client of `service` (call it once the service is up). */
export function serverlessClient(service: ServerlessService): ServerlessClient {
  const fetchTls = tlsFetch(service.caPem);
  const graphql: ServerlessClient["graphql"] = async (query, variables = {}, token) => {
    const res = await fetchTls(`${service.https}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  return {
    fetch: fetchTls,
    graphql,
    async sandbox(name) {
      const up = await graphql(`mutation($e:String!,$p:String!){signUp(email:$e,password:$p){token}}`, {
        e: testEmail(name),
        p: testPassword,
      });
      expect(up.errors).toBeUndefined();
      const userToken = up.data.signUp.token as string;
      const sb = await graphql(
        `mutation($n:String!){createSandbox(name:$n){id kubeconfig}}`,
        { n: name },
        userToken,
      );
      expect(sb.errors).toBeUndefined();
      const kubeconfig = sb.data.createSandbox.kubeconfig as string;
      const path = join(service.dataDir, `kubeconfig-${name}`);
      await writeFile(path, kubeconfig);
      return {
        userToken,
        id: sb.data.createSandbox.id as string,
        kubeconfig,
        path,
        token: /token: (\S+)/.exec(kubeconfig)?.[1] ?? "",
      };
    },
  };
}

/**
 * A WebSocket upgrade to `path` offering `protocols`, over the service's https front: once it
 * opens, the protocol the server chose and the frames it sent until it closed (a channel byte, then
 * text); else the status and body of the answer that refused it.
 */
export function upgradeTo(
  service: ServerlessService,
  path: string,
  token: string,
  protocols: string[],
): Promise<{ status: number; body: string; protocol?: string; frames?: [number, string][] }> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(`${service.https.replace(/^http/, "ws")}${path}`, protocols, {
      ca: service.caPem,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const frames: [number, string][] = [];
    ws.on("message", (data: Buffer) => frames.push([data[0] ?? -1, data.subarray(1).toString("utf8")]));
    ws.on("close", () => done({ status: 101, body: "", protocol: ws.protocol, frames }));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d;
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    ws.on("error", fail);
  });
}
