import type { BenchService as Service } from "./service.ts";
import { graphql } from "./service.ts";

/** A sandbox to measure against: its id and a token for it. */
export interface BenchSandbox {
  id: string;
  token: string;
}

/** Signs up one user for the bench run; returns the login token. */
export async function benchUser(service: Service): Promise<string> {
  const r = await graphql(
    service.http,
    `mutation($e:String!){signUp(email:$e,password:"bench-password-1"){token}}`,
    {
      e: `bench-${Date.now()}-${Math.random()}@example.com`,
    },
  );
  return r.data.signUp.token;
}

/** Creates a sandbox through GraphQL; returns its id and kubeconfig token. */
export async function benchSandbox(service: Service, userToken: string, name: string): Promise<BenchSandbox> {
  const r = await graphql(
    service.http,
    `mutation($n:String!){createSandbox(name:$n){id kubeconfig}}`,
    { n: name },
    userToken,
  );
  const kubeconfig: string = r.data.createSandbox.kubeconfig;
  return { id: r.data.createSandbox.id, token: /token: (\S+)/.exec(kubeconfig)?.[1] ?? "" };
}

/** A request to a sandbox's Kubernetes API (over TLS, as kubectl's), failing on a non-2xx. */
export async function kube(
  service: Service,
  sb: BenchSandbox,
  path: string,
  init: RequestInit = {},
): Promise<unknown> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${sb.token}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await service.kubeFetch(`${service.https}/sandboxes/${sb.id}${path}`, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** A pod manifest for the bench: nginx, labelled for selection. */
export function benchPod(name: string, labels: Record<string, string> = { app: "bench" }) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: {
      containers: [{ name: "nginx", image: "nginx", resources: { requests: { cpu: "1m", memory: "1Mi" } } }],
    },
  };
}
