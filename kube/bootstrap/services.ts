import { endpointsKind } from "../kinds/endpoints/index.ts";
import { endpointSliceKind } from "../kinds/endpointslice/index.ts";
import { type Kind, viewAs } from "../kinds/kind.ts";
import { nodeKind } from "../kinds/node/index.ts";
import { kubernetesServiceIP } from "../kinds/service/allocate.ts";
import { serviceKind } from "../kinds/service/index.ts";
import type { KubeObject } from "../object.ts";
import type { Endpoints, Service } from "../types/core-v1.ts";
import type { EndpointSlice } from "../types/discovery-v1.ts";

/** The port the simulated API server listens on, behind the `kubernetes` service's 443. */
const apiServerPort = 6443;

/** The control plane's address: the first node's InternalIP. */
export function apiServerAddress(objects: { object: KubeObject }[]): string {
  const node = objects.find((o) => o.object.kind === nodeKind.kind)?.object;
  const addresses = node ? viewAs(nodeKind, node).status?.addresses : undefined;
  return addresses?.find((a) => a.type === "InternalIP")?.address ?? "192.168.49.2";
}

/**
 * The `kubernetes` service in `default` and the Endpoints and EndpointSlice that point it at the
 * control plane (the first node's InternalIP:6443), fully formed as a real cluster stores them:
 * bootstrap writes them without defaulting or allocation.
 */
export function kubernetesServiceObjects(
  apiServerIP: string,
): { kind: Kind; namespace: string; object: KubeObject }[] {
  const service: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      clusterIP: kubernetesServiceIP,
      clusterIPs: [kubernetesServiceIP],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: apiServerPort }],
      sessionAffinity: "None",
      type: "ClusterIP",
    },
  };
  const endpoints: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [
      { addresses: [{ ip: apiServerIP }], ports: [{ name: "https", port: apiServerPort, protocol: "TCP" }] },
    ],
  };
  const slice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: [apiServerIP], conditions: { ready: true } }],
    ports: [{ name: "https", port: apiServerPort, protocol: "TCP" }],
  };
  return [
    { kind: serviceKind, namespace: "default", object: service },
    { kind: endpointsKind, namespace: "default", object: endpoints },
    { kind: endpointSliceKind, namespace: "default", object: slice },
  ];
}
