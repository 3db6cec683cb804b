import { randomUUID } from "node:crypto";
import type { Kind } from "../kinds/kind.ts";
import { namespaceKind } from "../kinds/namespace/index.ts";
import { nodeKind } from "../kinds/node/index.ts";
import { serviceAccountKind } from "../kinds/serviceaccount/index.ts";
import type { KubeObject } from "../object.ts";
import type { Node, NodeCondition } from "../types/core-v1.ts";
import { apiServerAddress, kubernetesServiceObjects } from "./services.ts";

/** The namespaces every new cluster has. */
export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** How many nodes a sandbox gets, and what each offers. */
const nodeCount = 3;
const nodeCapacity = {
  cpu: "2",
  memory: "4025360Ki",
  pods: "110",
  "ephemeral-storage": "61202244Ki",
  "hugepages-2Mi": "0",
};
const nodeAllocatable = {
  cpu: "2",
  memory: "3922960Ki",
  pods: "110",
  "ephemeral-storage": "56403987978",
  "hugepages-2Mi": "0",
};

function node(i: number, created: string): Node {
  const name = `node-${i}`;
  const condition = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    lastHeartbeatTime: created,
    lastTransitionTime: created,
    reason,
    message,
  });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
    status: {
      capacity: nodeCapacity,
      allocatable: nodeAllocatable,
      conditions: [
        condition(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      addresses: [
        { type: "InternalIP", address: `192.168.49.${i + 1}` },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: "amd64",
        bootID: randomUUID(),
        containerRuntimeVersion: "containerd://1.7.24",
        kernelVersion: "6.1.0-28-amd64",
        kubeProxyVersion: "v1.32.0",
        kubeletVersion: "v1.32.0",
        machineID: randomUUID().replaceAll("-", ""),
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        systemUUID: randomUUID(),
      },
    },
  };
}

/**
 * The objects of a new cluster, in creation order: the system namespaces, three Ready nodes,
 * a `default` service account in each namespace, and the `kubernetes` service with its endpoints.
 */
export function bootstrapObjects(
  created: string,
): { kind: Kind; namespace: string | null; object: KubeObject }[] {
  const out: { kind: Kind; namespace: string | null; object: KubeObject }[] = [];
  for (const name of systemNamespaces)
    out.push({
      kind: namespaceKind,
      namespace: null,
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
    });
  for (let i = 1; i <= nodeCount; i++)
    out.push({ kind: nodeKind, namespace: null, object: node(i, created) });
  for (const ns of systemNamespaces)
    out.push({
      kind: serviceAccountKind,
      namespace: ns,
      object: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
    });
  out.push(...kubernetesServiceObjects(apiServerAddress(out)));
  return out;
}
