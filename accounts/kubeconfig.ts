import { stringify } from "yaml";

/** What a kubeconfig for one sandbox names. */
export interface KubeconfigSpec {
  sandboxName: string;
  server: string;
  caPem: string;
  token: string;
}

/**
 * A complete kubeconfig (YAML) that `KUBECONFIG=file kubectl ...` uses as is: one cluster with
 * the CA, one user with the sandbox's bearer token, one context in namespace `default`.
 */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const name = `kubesandbox-${spec.sandboxName}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: spec.server,
          "certificate-authority-data": Buffer.from(spec.caPem).toString("base64"),
        },
      },
    ],
    users: [{ name, user: { token: spec.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
}
