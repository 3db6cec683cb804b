import type { SandboxWriter } from "../../db/store/writer.ts";
import { formatIPv4, parseIPv4 } from "../../kube/go/ip.ts";
import type { Node, Pod } from "../../kube/types/core-v1.ts";

/**
 * The pod network's address for a pod, as the node's CNI (host-local IPAM) hands it out: the
 * lowest free address of the node's podCIDR after the gateway (.1), unique among the node's
 * pods that still hold one. Pods on the host network share the node's IP. "" when the range is
 * full. `nodePods`, when the caller has read them in this transaction (the scheduler has), are
 * the node's live pods, and spare a query.
 */
export async function allocatePodIP(
  w: SandboxWriter,
  node: Node,
  pod: Pod,
  hostIP: string,
  nodePods?: Pod[],
) {
  if (pod.spec?.hostNetwork === true) return hostIP;
  const [base, bits] = (node.spec?.podCIDR ?? "").split("/");
  const network = parseIPv4(base ?? "");
  const prefix = Number(bits);
  if (network === null || !(prefix >= 8 && prefix <= 30)) return "";
  const used = nodePods
    ? new Set(nodePods.map((p) => p.status?.podIP ?? "").filter(Boolean))
    : await podIPsInUse(w, node);
  const size = 2 ** (32 - prefix);
  for (let i = 2; i < size - 1; i++) {
    const ip = formatIPv4(network + i);
    if (!used.has(ip)) return ip;
  }
  return "";
}

async function podIPsInUse(w: SandboxWriter, node: Node): Promise<Set<string>> {
  const rows = await w.sql<{ ip: string }[]>`
    SELECT body -> 'status' ->> 'podIP' AS ip FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = 'pods'
      AND body -> 'spec' ->> 'nodeName' = ${node.metadata.name ?? ""}
      AND coalesce(body -> 'status' ->> 'podIP', '') <> ''
      AND coalesce(body -> 'status' ->> 'phase', '') NOT IN ('Succeeded', 'Failed')`;
  return new Set(rows.map((r) => r.ip));
}
