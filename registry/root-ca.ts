import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.ts";

/**
 * Stands in when this worker cannot read the service's CA (a worker host without the data
 * directory): a PEM-shaped block that says so, rather than no ConfigMap at all.
 */
export const placeholderCaPem =
  "-----BEGIN CERTIFICATE-----\nkubesandbox: the cluster CA was not readable by this worker\n-----END CERTIFICATE-----\n";

let cached: string | undefined;

/**
 * The cluster's CA certificate, the one kubeconfigs trust: `<DATA_DIR>/tls/ca.crt`, which
 * `npm start` makes on first start and workers on the same host share. Read once per process.
 */
export function clusterCaPem(): string {
  if (cached === undefined) {
    try {
      cached = readFileSync(join(loadConfig().DATA_DIR, "tls", "ca.crt"), "utf8");
    } catch {
      cached = placeholderCaPem;
    }
  }
  return cached;
}

/** The root CA ConfigMap every namespace gets (the root CA publisher's). */
export const rootCaConfigMap = "kube-root-ca.crt";

/** The annotation the publisher sets on it, and its text (1.32's). */
export const descriptionAnnotation = "kubernetes.io/description";
export const rootCaDescription =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/** The ConfigMap as the root CA publisher writes it. */
export function rootCaConfigMapBody() {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: rootCaConfigMap, annotations: { [descriptionAnnotation]: rootCaDescription } },
    data: { "ca.crt": clusterCaPem() },
  };
}
