import { describe, expect, it } from "vitest";
import { parseIPv4 } from "../../../kube/go/ip.ts";
import {
  type Allocated,
  allocateClusterIPs,
  allocateNodePorts,
} from "../../../kube/kinds/service/allocate.ts";
import { initIPFamilyFields } from "../../../kube/kinds/service/ip-families.ts";
import type { ServiceSpec } from "../../../kube/types/core-v1.ts";

const none = (): Allocated => ({ ips: new Set(), nodePorts: new Set() });
const lines = (errors: { field: string; body: string }[]) => errors.map((e) => `${e.field}: ${e.body}`);

describe("cluster IP allocation", () => {
  it("draws from the upper part of 10.96.0.0/12 and skips taken addresses", () => {
    const taken = none();
    taken.ips.add(parseIPv4("10.96.1.1") ?? 0);
    // The first draw lands on the taken 10.96.1.1 (the lowest dynamic address), the second on the highest.
    const draws = [0, 0.9999999];
    const spec: ServiceSpec = { type: "ClusterIP" };
    expect(allocateClusterIPs(spec, taken, false, () => draws.shift() ?? 0)).toEqual([]);
    expect(spec).toMatchObject({ clusterIP: "10.111.255.254", clusterIPs: ["10.111.255.254"] });
    expect(taken.ips.has(parseIPv4("10.111.255.254") ?? 0)).toBe(true);
  });

  const refused: { name: string; ip: string; want: string }[] = [
    {
      name: "the network address",
      ip: "10.96.0.0",
      want: 'spec.clusterIPs: Invalid value: []string{"10.96.0.0"}: failed to allocate IP 10.96.0.0: the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    },
    {
      name: "the broadcast address",
      ip: "10.111.255.255",
      want: 'spec.clusterIPs: Invalid value: []string{"10.111.255.255"}: failed to allocate IP 10.111.255.255: the provided IP (10.111.255.255) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    },
  ];
  for (const c of refused)
    it(`refuses ${c.name}`, () => {
      expect(
        lines(allocateClusterIPs({ clusterIP: c.ip, clusterIPs: [c.ip] }, none(), false, Math.random)),
      ).toEqual([c.want]);
    });

  it("does not check a taken address on a dry run, as the API server does not", () => {
    const taken = none();
    taken.ips.add(parseIPv4("10.96.5.5") ?? 0);
    const spec = { clusterIP: "10.96.5.5", clusterIPs: ["10.96.5.5"] };
    expect(allocateClusterIPs(spec, taken, true, Math.random)).toEqual([]);
    expect(allocateClusterIPs(spec, taken, false, Math.random)).toHaveLength(1);
  });
});

describe("node port allocation", () => {
  it("gives ports with the same number one node port on create", () => {
    const spec: ServiceSpec = {
      type: "NodePort",
      ports: [
        { name: "dns", port: 53, protocol: "UDP" },
        { name: "dns-tcp", port: 53, protocol: "TCP", nodePort: 30053 },
      ],
    };
    expect(allocateNodePorts(spec, null, none(), Math.random)).toEqual([]);
    expect(spec.ports?.map((p) => p.nodePort)).toEqual([30053, 30053]);
  });

  it("keeps what the service held on update and takes only new requests", () => {
    const old: ServiceSpec = { type: "NodePort", ports: [{ name: "a", port: 80, nodePort: 30080 }] };
    const taken = none();
    taken.nodePorts.add(30081);
    const spec: ServiceSpec = {
      type: "NodePort",
      ports: [
        { name: "a", port: 80, nodePort: 30080 },
        { name: "b", port: 81, nodePort: 30081 },
      ],
    };
    expect(lines(allocateNodePorts(spec, old, taken, Math.random))).toEqual([
      "spec.ports[1].nodePort: Invalid value: 30081: provided port is already allocated",
    ]);
  });

  it("allocates no node port for a LoadBalancer that opts out", () => {
    const spec: ServiceSpec = {
      type: "LoadBalancer",
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80 }],
    };
    allocateNodePorts(spec, null, none(), Math.random);
    expect(spec.ports?.[0]?.nodePort).toBeUndefined();
  });
});

describe("IP families of a single-stack cluster", () => {
  const cases: { name: string; spec: ServiceSpec; want: string[]; families?: string[] }[] = [
    { name: "defaults to IPv4 SingleStack", spec: { type: "ClusterIP" }, want: [], families: ["IPv4"] },
    {
      name: "refuses RequireDualStack",
      spec: { type: "ClusterIP", ipFamilyPolicy: "RequireDualStack" },
      want: [
        'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
      ],
    },
    {
      name: "accepts PreferDualStack with one family",
      spec: { type: "ClusterIP", ipFamilyPolicy: "PreferDualStack" },
      want: [],
      families: ["IPv4"],
    },
    {
      name: "refuses an IPv6 family",
      spec: { type: "ClusterIP", ipFamilies: ["IPv6"] },
      want: ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    },
    {
      name: "refuses an IPv6 cluster IP",
      spec: { type: "ClusterIP", clusterIP: "fd00::10", clusterIPs: ["fd00::10"] },
      want: [
        'spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not configured on this cluster',
      ],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(lines(initIPFamilyFields(c.spec, null))).toEqual(c.want);
      if (c.families) expect(c.spec.ipFamilies).toEqual(c.families);
    });
});
