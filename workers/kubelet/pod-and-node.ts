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
 * Sends the reads of `podAndNode` for several pods now, as early reads of the transaction: the
 * pods in one statement and the sandbox's nodes in another (a batch's pods share a few nodes),
 * each pod's answer then taken by its `podAndNode` as if read alone.
 */
export function prefetchPodsAndNodes(w: SandboxWriter, pods: { namespace: string; name: string }[]): void {
  if (pods.length <= 1) {
    for (const p of pods) prefetchPodAndNode(w, p.namespace, p.name);
    return;
  }
  type PodRow = { namespace: string; name: string; resource_version: string; body: KubeObject };
  type NodeRow = { name: string; resource_version: string; body: KubeObject };
  const sql = w.sql;
  const podRows = sql<PodRow[]>`
    SELECT p.namespace, p.name, p.resource_version, p.body FROM objects p
    JOIN unnest(${pods.map((p) => p.namespace)}::text[], ${pods.map((p) => p.name)}::text[]) AS k(namespace, name)
      ON p.namespace = k.namespace AND p.name = k.name
    WHERE p.sandbox_id = ${w.sandboxId} AND p.resource = 'pods'`.execute();
  const nodeRows = sql<NodeRow[]>`
    SELECT name, resource_version, body FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = 'nodes' AND namespace = ''`.execute();
  const both = Promise.all([podRows, nodeRows]).then(([found, nodes]) => ({
    pods: new Map(found.map((r) => [`${r.namespace}/${r.name}`, r])),
    nodes: new Map(nodes.map((n) => [n.name, n])),
  }));
  both.catch(() => {});
  for (const { namespace, name } of pods)
    w.sendEarly(
      earlyId(namespace, name),
      both.then(({ pods: found, nodes }): Row[] => {
        const pod = found.get(`${namespace}/${name}`);
        if (!pod) return [];
        const node = nodes.get((pod.body.spec as { nodeName?: string } | undefined)?.nodeName ?? "");
        return [
          {
            pod_rv: pod.resource_version,
            pod: pod.body,
            node_rv: node?.resource_version ?? null,
            node: node?.body ?? null,
          },
        ];
      }),
    );
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
