import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { Ingress } from "../../types/networking-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { column } from "../workload/spec.ts";

/** formatHosts: the rules' hosts, three at most and a count of the rest; "*" for none. */
function hosts(ingress: Ingress): string {
  const list = (ingress.spec?.rules ?? []).map((r) => r.host ?? "").filter(Boolean);
  if (!list.length) return "*";
  const more = list.length > 3 ? ` + ${list.length - 3} more...` : "";
  return list.slice(0, 3).join(",") + more;
}

/** The load balancer's IPs and host names, as ingressLoadBalancerStatusStringer prints them. */
function address(ingress: Ingress): string {
  return (ingress.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip || i.hostname || "")
    .filter(Boolean)
    .join(",");
}

/**
 * networking.k8s.io/v1 Ingress, served read-only until ingress is simulated: listed and read (a
 * sandbox has none; `kubectl apply --prune` lists it by default), a write refused with the API
 * server's 405. Its printer is the API server's.
 */
export const ingressKind = defineKind<Ingress>({
  apiVersion: "networking.k8s.io/v1",
  resource: "ingresses",
  kind: "Ingress",
  namespaced: true,
  shortNames: ["ing"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column(
        "Class",
        "string",
        "The name of the IngressClass resource that should be used for additional configuration",
      ),
      column("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
      column("Address", "string", "Address is a list containing ingress points for the load-balancer"),
      column("Ports", "string", "Ports of TLS configurations that open"),
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.spec?.ingressClassName ?? "<none>",
      hosts(obj),
      address(obj),
      obj.spec?.tls?.length ? "80, 443" : "80",
      age(obj.metadata.creationTimestamp, now),
    ],
  },
});
