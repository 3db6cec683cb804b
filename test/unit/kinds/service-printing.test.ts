import { describe, expect, it } from "vitest";
import { serviceKind } from "../../../kube/kinds/service/index.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

const created = "2025-01-01T00:00:00Z";
const now = Date.parse(created) + 42_000;

function service(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  const obj: KubeObject = { metadata: { name: "web", creationTimestamp: created }, spec, status };
  serviceKind.defaults?.(obj);
  return obj;
}

describe("Service defaults", () => {
  const cases: { name: string; spec: Record<string, unknown>; want: Record<string, unknown> }[] = [
    {
      name: "a bare ClusterIP service",
      spec: { ports: [{ port: 80 }] },
      want: {
        type: "ClusterIP",
        sessionAffinity: "None",
        internalTrafficPolicy: "Cluster",
        ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      },
    },
    {
      name: "a NodePort service gets an external traffic policy",
      spec: { type: "NodePort", ports: [{ port: 80, targetPort: "http" }] },
      want: { externalTrafficPolicy: "Cluster", ports: [{ port: 80, protocol: "TCP", targetPort: "http" }] },
    },
    {
      name: "a LoadBalancer allocates node ports by default",
      spec: { type: "LoadBalancer", ports: [{ port: 443, protocol: "UDP" }] },
      want: { externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true },
    },
    {
      name: "ClientIP affinity gets the three-hour timeout",
      spec: { sessionAffinity: "ClientIP", ports: [{ port: 80 }] },
      want: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(service(c.spec).spec).toMatchObject(c.want);
    });

  it("leaves internalTrafficPolicy off ExternalName services", () => {
    expect(service({ type: "ExternalName", externalName: "example.com" }).spec).not.toHaveProperty(
      "internalTrafficPolicy",
    );
  });
});

describe("Service printer cells", () => {
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    status?: Record<string, unknown>;
    want: unknown[];
  }[] = [
    {
      name: "ClusterIP",
      spec: {
        clusterIP: "10.96.12.5",
        clusterIPs: ["10.96.12.5"],
        ports: [{ port: 80 }],
        selector: { tier: "web", app: "nginx" },
      },
      want: ["web", "ClusterIP", "10.96.12.5", "<none>", "80/TCP", "42s", "app=nginx,tier=web"],
    },
    {
      name: "NodePort with two ports",
      spec: {
        type: "NodePort",
        clusterIPs: ["10.96.12.6"],
        ports: [
          { name: "http", port: 80, nodePort: 31234 },
          { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 },
        ],
      },
      want: ["web", "NodePort", "10.96.12.6", "<none>", "80:31234/TCP,53:30053/UDP", "42s", "<none>"],
    },
    {
      name: "LoadBalancer without ingress",
      spec: { type: "LoadBalancer", clusterIPs: ["10.96.12.7"], ports: [{ port: 80, nodePort: 30080 }] },
      want: ["web", "LoadBalancer", "10.96.12.7", "<pending>", "80:30080/TCP", "42s", "<none>"],
    },
    {
      name: "LoadBalancer with ingress, sorted",
      spec: { type: "LoadBalancer", clusterIPs: ["10.96.12.8"], ports: [{ port: 80, nodePort: 30081 }] },
      status: { loadBalancer: { ingress: [{ ip: "203.0.113.9" }, { hostname: "lb.example.com" }] } },
      want: [
        "web",
        "LoadBalancer",
        "10.96.12.8",
        "203.0.113.9,lb.example.com",
        "80:30081/TCP",
        "42s",
        "<none>",
      ],
    },
    {
      name: "headless",
      spec: { clusterIP: "None", clusterIPs: ["None"], ports: [{ port: 80 }] },
      want: ["web", "ClusterIP", "None", "<none>", "80/TCP", "42s", "<none>"],
    },
    {
      name: "ExternalName",
      spec: { type: "ExternalName", externalName: "db.example.com" },
      want: ["web", "ExternalName", "<none>", "db.example.com", "<none>", "42s", "<none>"],
    },
    {
      name: "ClusterIP with external IPs",
      spec: {
        clusterIPs: ["10.96.12.9"],
        externalIPs: ["198.51.100.1", "198.51.100.2"],
        ports: [{ port: 80 }],
      },
      want: ["web", "ClusterIP", "10.96.12.9", "198.51.100.1,198.51.100.2", "80/TCP", "42s", "<none>"],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(printed(serviceKind, service(c.spec, c.status), now)).toEqual(c.want);
    });

  it("marks only Selector as wide", () => {
    expect(serviceKind.printer.columns.filter((col) => col.priority === 1).map((col) => col.name)).toEqual([
      "Selector",
    ]);
  });
});
