import type { ConfigMap } from "../types/core-v1.ts";

/** The root CA ConfigMap every namespace gets (the root CA publisher's). */
export const rootCaConfigMap = "kube-root-ca.crt";

/** The annotation the publisher sets on it, and its text (1.32's). */
export const descriptionAnnotation = "kubernetes.io/description";
export const rootCaDescription =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/** The ConfigMap as the root CA publisher writes it, publishing the cluster's CA certificate. */
export function rootCaConfigMapBody(caPem: string): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: rootCaConfigMap, annotations: { [descriptionAnnotation]: rootCaDescription } },
    data: { "ca.crt": caPem },
  };
}
