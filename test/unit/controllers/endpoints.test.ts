import { describe, expect, it } from "vitest";
import type { Node, Pod, Service, ServicePort, ServiceSpec } from "../../../kube/types/core-v1.ts";
import { podInfo } from "../../../workers/endpoints/pods.ts";
import { desiredSlices } from "../../../workers/endpoints/slices.ts";
import { repackSubsets, serviceSubsets } from "../../../workers/endpoints/subsets.ts";

interface PodOpts {
  ip?: string;
  ready?: boolean;
  node?: string;
  ports?: { name: string; containerPort: number; protocol?: string }[];
  phase?: string;
  deleting?: boolean;
  labels?: Record<string, string>;
}

function pod(name: string, o: PodOpts = {}): Pod {
  return {
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      labels: o.labels ?? { app: "web" },
      ...(o.deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}),
    },
    spec: { nodeName: o.node ?? "node-1", containers: [{ name: "c", image: "nginx", ports: o.ports ?? [] }] },
    status: {
      phase: o.phase ?? "Running",
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
    },
  };
}

function service(ports: ServicePort[], spec: ServiceSpec = {}): Service {
  return {
    metadata: { name: "web", namespace: "default", uid: "svc-uid", labels: { app: "web" } },
    spec: { selector: { app: "web" }, clusterIP: "10.96.0.10", ipFamilies: ["IPv4"], ports, ...spec },
  };
}

const http = [{ name: "http", containerPort: 8080 }];
const ref = (name: string) => ({ kind: "Pod", namespace: "default", name, uid: `uid-${name}` });

describe("Endpoints subsets", () => {
  it.each([
    [
      "ready pods are addresses, unready ones notReadyAddresses, in one subset per port set",
      [{ port: 80, targetPort: 80, protocol: "TCP" }],
      [
        pod("b", { ip: "10.244.2.3", node: "node-2" }),
        pod("a", { ip: "10.244.1.5" }),
        pod("c", { ip: "10.244.1.6", ready: false }),
      ],
      [
        {
          addresses: [
            { ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("a") },
            { ip: "10.244.2.3", nodeName: "node-2", targetRef: ref("b") },
          ],
          notReadyAddresses: [{ ip: "10.244.1.6", nodeName: "node-1", targetRef: ref("c") }],
          ports: [{ port: 80, protocol: "TCP" }],
        },
      ],
    ],
    [
      "a named targetPort resolves per pod; a pod without that port is left out",
      [{ name: "web", port: 80, targetPort: "http", protocol: "TCP" }],
      [
        pod("a", { ip: "10.244.1.5", ports: http }),
        pod("b", { ip: "10.244.1.7", ports: [{ name: "http", containerPort: 9090 }] }),
        pod("nope", { ip: "10.244.1.8", ports: [{ name: "metrics", containerPort: 9100 }] }),
      ],
      [
        {
          addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("a") }],
          ports: [{ name: "web", port: 8080, protocol: "TCP" }],
        },
        {
          addresses: [{ ip: "10.244.1.7", nodeName: "node-1", targetRef: ref("b") }],
          ports: [{ name: "web", port: 9090, protocol: "TCP" }],
        },
      ],
    ],
    [
      "a named port of another protocol does not match",
      [{ port: 53, targetPort: "dns", protocol: "UDP" }],
      [pod("a", { ip: "10.244.1.5", ports: [{ name: "dns", containerPort: 53, protocol: "TCP" }] })],
      [],
    ],
    [
      "pods without an IP, finished, or terminating are not endpoints",
      [{ port: 80, targetPort: 80, protocol: "TCP" }],
      [
        pod("noip"),
        pod("done", { ip: "10.244.1.9", phase: "Succeeded" }),
        pod("bye", { ip: "10.244.1.10", deleting: true }),
      ],
      [],
    ],
    [
      "two ports offered by the same pods share one subset",
      [
        { name: "http", port: 80, targetPort: 80, protocol: "TCP" },
        { name: "https", port: 443, targetPort: 443, protocol: "TCP" },
      ],
      [pod("a", { ip: "10.244.1.5" })],
      [
        {
          addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("a") }],
          ports: [
            { name: "http", port: 80, protocol: "TCP" },
            { name: "https", port: 443, protocol: "TCP" },
          ],
        },
      ],
    ],
  ] as [string, ServicePort[], Pod[], unknown[]][])("%s", (_name, ports, pods, want) => {
    expect(serviceSubsets(service(ports), pods.map(podInfo))).toEqual(want);
  });

  it("publishNotReadyAddresses makes every pod with an IP ready, terminating ones included", () => {
    const svc = service([{ port: 80, targetPort: 80, protocol: "TCP" }], { publishNotReadyAddresses: true });
    const subsets = serviceSubsets(
      svc,
      [pod("a", { ip: "10.244.1.5", ready: false }), pod("b", { ip: "10.244.1.6", deleting: true })].map(
        podInfo,
      ),
    );
    expect(subsets).toEqual([
      {
        addresses: [
          expect.objectContaining({ ip: "10.244.1.5" }),
          expect.objectContaining({ ip: "10.244.1.6" }),
        ],
        ports: [{ port: 80, protocol: "TCP" }],
      },
    ]);
  });

  it("lists a headless service's pods without ports", () => {
    const svc = service([], { clusterIP: "None" });
    expect(serviceSubsets(svc, [pod("a", { ip: "10.244.1.5" })].map(podInfo))).toEqual([
      { addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("a") }] },
    ]);
    expect(serviceSubsets(service([]), [pod("a", { ip: "10.244.1.5" })].map(podInfo))).toEqual([]);
  });

  it("repacks: ready wins for an address listed both ways on a port", () => {
    const a = { ip: "10.0.0.1" };
    const port = { port: 80, protocol: "TCP" };
    expect(
      repackSubsets([
        { notReadyAddresses: [a], ports: [port] },
        { addresses: [a], ports: [port] },
      ]),
    ).toEqual([{ addresses: [a], ports: [port] }]);
  });
});

describe("EndpointSlices", () => {
  const nodes = new Map<string, Node>([
    ["node-1", { metadata: { name: "node-1", labels: { "topology.kubernetes.io/zone": "zone-a" } } }],
    ["node-2", { metadata: { name: "node-2" } }],
  ]);

  it("groups pods by the ports they serve, with ready, serving and terminating conditions", () => {
    const svc = service([{ name: "web", port: 80, targetPort: "http", protocol: "TCP" }]);
    const pods = [
      pod("a", { ip: "10.244.1.5", ports: http }),
      pod("b", { ip: "10.244.2.3", node: "node-2", ports: http, ready: false }),
      pod("c", { ip: "10.244.1.6", ports: http, deleting: true }),
      pod("other", { ip: "10.244.1.7" }),
      pod("ghost", { ip: "10.244.1.8", node: "node-9", ports: http }),
    ];
    expect(desiredSlices(svc, pods.map(podInfo), nodes)).toEqual([
      {
        addressType: "IPv4",
        ports: [{ name: "web", port: 8080, protocol: "TCP" }],
        endpoints: [
          {
            addresses: ["10.244.1.5"],
            conditions: { ready: true, serving: true, terminating: false },
            nodeName: "node-1",
            targetRef: ref("a"),
            zone: "zone-a",
          },
          {
            addresses: ["10.244.1.6"],
            conditions: { ready: false, serving: true, terminating: true },
            nodeName: "node-1",
            targetRef: ref("c"),
            zone: "zone-a",
          },
          {
            addresses: ["10.244.2.3"],
            conditions: { ready: false, serving: false, terminating: false },
            nodeName: "node-2",
            targetRef: ref("b"),
          },
        ],
      },
      {
        addressType: "IPv4",
        ports: [],
        endpoints: [
          {
            addresses: ["10.244.1.7"],
            conditions: { ready: true, serving: true, terminating: false },
            nodeName: "node-1",
            targetRef: ref("other"),
            zone: "zone-a",
          },
        ],
      },
    ]);
  });

  it("keeps one empty placeholder slice when no pod is selected", () => {
    const svc = service([{ port: 80, targetPort: 80, protocol: "TCP" }]);
    expect(desiredSlices(svc, [], nodes)).toEqual([{ addressType: "IPv4", ports: [], endpoints: [] }]);
  });
});
