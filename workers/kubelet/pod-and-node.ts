import { served } from "../../db/store/rows.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { nodeKind } from "../../kube/kinds/node/index.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { Node, Pod } from "../../kube/types/core-v1.ts";

type Row = { pod_rv: string; pod: KubeObject; node_rv: string | null; node: KubeObject | null };

/** The name of a pod's early read (SandboxWriter.sendEarly). */
const earlyId = (namespace: string, name: string) => `podAndNode:${namespace}/${name}`;

function read(w: SandboxWriter, namespace: string, name: string): Promise<Row[]> {
  return w.sql<Row[]>`
    SELECT p.resource_version AS pod_rv, p.body AS pod, n.resource_version AS node_rv, n.body AS node
    FROM objects p
    LEFT JOIN objects n ON n.sandbox_id = p.sandbox_id AND n.resource = 'nodes' AND n.namespace = ''
      AND n.name = p.body -> 'spec' ->> 'nodeName'
    WHERE p.sandbox_id = ${w.sandboxId} AND p.resource = 'pods'
      AND p.namespace = ${namespace} AND p.name = ${name}`.execute();
}

/**
 * Sends the read of `podAndNode` now, as an early read of the transaction (it travels with the
 * lock); taken by the transaction's first `podAndNode` of the pod, before it writes anything.
 */
export function prefetchPodAndNode(w: SandboxWriter, namespace: string, name: string): void {
  w.sendEarly(earlyId(namespace, name), read(w, namespace, name));
}

/**
 * A kubelet sync's first read, in one query: the pod, and the node it is bound to (null when
 * it names none, or one that does not exist). Null when the pod is gone.
 */
export async function podAndNode(
  w: SandboxWriter,
  namespace: string,
  name: string,
): Promise<{ pod: Pod; node: Node | null } | null> {
  const sent = w.takeEarly<Row[]>(earlyId(namespace, name));
  const [row] = await (sent ?? read(w, namespace, name));
  if (!row) return null;
  return {
    pod: viewAs(podKind, served({ resource_version: row.pod_rv, body: row.pod })),
    node:
      row.node && row.node_rv !== null
        ? viewAs(nodeKind, served({ resource_version: row.node_rv, body: row.node }))
        : null,
  };
}
