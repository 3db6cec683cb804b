import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn, type Printer } from "../../printing/table.ts";
import { formatLabels } from "../../selectors/label-selector.ts";
import type { Service, ServiceSpec, ServiceStatus } from "../../types/core-v1.ts";
import { clusterIPsOf, portsOf } from "./spec.ts";

/** How many characters of load-balancer ingress the narrow output shows (loadBalancerWidth). */
const loadBalancerWidth = 16;

/** The ingress IPs or hostnames, sorted and de-duplicated; clipped unless wide. */
function loadBalancerIngress(status: ServiceStatus | undefined, wide: boolean): string {
  const names = new Set<string>();
  for (const ing of status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) names.add(ing.ip);
    else if (ing.hostname) names.add(ing.hostname);
  }
  const joined = [...names].sort().join(",");
  return !wide && joined.length > loadBalancerWidth ? `${joined.slice(0, loadBalancerWidth - 3)}...` : joined;
}

/** The EXTERNAL-IP cell: external IPs, load-balancer ingress ("<pending>" until there is one), or the external name. */
export function serviceExternalIP(spec: ServiceSpec, status: ServiceStatus | undefined, wide = true): string {
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case "ClusterIP":
    case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIngress(status, wide);
      if (external.length) return [...(lb ? lb.split(",") : []), ...external].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

/** The PORT(S) cell: "80/TCP", "80:31234/TCP", comma-separated; "<none>" without ports. */
export function servicePorts(spec: ServiceSpec): string {
  const cells = portsOf(spec).map((p) =>
    p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`,
  );
  return cells.length ? cells.join(",") : "<none>";
}

function column(name: string, description: string, priority = 0) {
  return { name, type: "string" as const, description, priority };
}

/** printService's columns (descriptions from the ServiceSpec API docs) and cells; the server prints wide. */
export const servicePrinter: Printer<Service> = {
  columns: [
    nameColumn,
    column(
      "Type",
      'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
    ),
    column(
      "Cluster-IP",
      'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
    ),
    column(
      "External-IP",
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.",
    ),
    column(
      "Port(s)",
      "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
    ),
    ageColumn,
    column(
      "Selector",
      "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/",
      1,
    ),
  ],
  cells: (obj, now) => {
    const spec = obj.spec ?? {};
    return [
      obj.metadata.name,
      spec.type ?? "",
      clusterIPsOf(spec)[0] ?? "<none>",
      serviceExternalIP(spec, obj.status),
      servicePorts(spec),
      age(obj.metadata.creationTimestamp, now),
      formatLabels(spec.selector),
    ];
  },
};
