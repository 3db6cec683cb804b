import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { Node, NodeSystemInfo } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";

/** The STATUS cell: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
function nodeStatus(obj: Node): string {
  const ready = obj.status?.conditions?.find((c) => c.type === "Ready");
  const parts = [
    ready
      ? ready.status === "True"
        ? "Ready"
        : ready.status === "False"
          ? "NotReady"
          : "Unknown"
      : "Unknown",
  ];
  if (obj.spec?.unschedulable) parts.push("SchedulingDisabled");
  return parts.join(",");
}

/** The ROLES cell, from node-role.kubernetes.io/<role> labels. */
function nodeRoles(obj: Node): string {
  const roles = Object.keys(obj.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .filter(Boolean)
    .sort();
  return roles.length ? roles.join(",") : "<none>";
}

function address(obj: Node, type: string): string {
  return obj.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

function info(obj: Node, field: keyof NodeSystemInfo): string {
  return obj.status?.nodeInfo?.[field] ?? "<unknown>";
}

function column(name: string, description: string, priority = 0) {
  return { name, type: "string" as const, description, priority };
}

/** core/v1 Node: cluster-scoped, printed as `kubectl get nodes` prints it. */
export const nodeKind = defineKind<Node>({
  apiVersion: "v1",
  resource: "nodes",
  kind: "Node",
  namespaced: false,
  shortNames: ["no"],
  subresources: ["status"],
  hasSpec: true,
  selectableFields: { "spec.unschedulable": ["spec", "unschedulable"] },
  printer: {
    columns: [
      nameColumn,
      column("Status", "The status of the node"),
      column("Roles", "The roles of the node"),
      ageColumn,
      column("Version", "Kubelet Version reported by the node."),
      column("Internal-IP", "List of internal IPs in the node.", 1),
      column("External-IP", "List of external IPs in the node.", 1),
      column(
        "OS-Image",
        "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        1,
      ),
      column(
        "Kernel-Version",
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        1,
      ),
      column(
        "Container-Runtime",
        "Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
        1,
      ),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      nodeStatus(obj),
      nodeRoles(obj),
      age(obj.metadata.creationTimestamp, now),
      info(obj, "kubeletVersion"),
      address(obj, "InternalIP"),
      address(obj, "ExternalIP"),
      info(obj, "osImage"),
      info(obj, "kernelVersion"),
      info(obj, "containerRuntimeVersion"),
    ],
  },
  prepareForCreate(obj) {
    obj.status ??= {};
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
});
