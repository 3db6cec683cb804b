import { describe, expect, it } from "vitest";
import { endpointsKind } from "../../../kube/kinds/endpoints/index.ts";
import { endpointSliceKind } from "../../../kube/kinds/endpointslice/index.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

const created = "2025-01-01T00:00:00Z";
const now = Date.parse(created) + 5 * 60_000;

function endpoints(subsets: unknown): KubeObject {
  const obj: KubeObject = { metadata: { name: "web", creationTimestamp: created }, subsets };
  endpointsKind.defaults?.(obj);
  return obj;
}

function slice(fields: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { metadata: { name: "web-abc12", creationTimestamp: created }, ...fields };
  endpointSliceKind.defaults?.(obj);
  return obj;
}

const addrs = (...ips: string[]) => ips.map((ip) => ({ ip }));

describe("Endpoints printer", () => {
  const cases: { name: string; subsets: unknown; want: string }[] = [
    { name: "no subsets", subsets: undefined, want: "<none>" },
    {
      name: "one address, one port",
      subsets: [{ addresses: addrs("10.244.1.5"), ports: [{ port: 80 }] }],
      want: "10.244.1.5:80",
    },
    {
      name: "more than three",
      subsets: [
        { addresses: addrs("10.244.1.5", "10.244.2.3", "10.244.3.4", "10.244.1.9"), ports: [{ port: 80 }] },
      ],
      want: "10.244.1.5:80,10.244.2.3:80,10.244.3.4:80 + 1 more...",
    },
    {
      name: "two ports count every address per port",
      subsets: [
        {
          addresses: addrs("10.244.1.5", "10.244.2.3"),
          ports: [
            { name: "http", port: 80 },
            { name: "https", port: 443 },
          ],
        },
      ],
      want: "10.244.1.5:80,10.244.2.3:80,10.244.1.5:443 + 1 more...",
    },
    { name: "headless without ports", subsets: [{ addresses: addrs("10.244.1.5") }], want: "10.244.1.5" },
    {
      name: "IPv6 in brackets",
      subsets: [{ addresses: addrs("fd00::5"), ports: [{ port: 80 }] }],
      want: "[fd00::5]:80",
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(printed(endpointsKind, endpoints(c.subsets), now)).toEqual(["web", c.want, "5m"]);
    });
});

describe("Endpoints validation", () => {
  const cases: { name: string; subsets: unknown; want: string[] }[] = [
    { name: "valid", subsets: [{ addresses: addrs("10.244.1.5"), ports: [{ port: 80 }] }], want: [] },
    {
      name: "a subset without addresses",
      subsets: [{ ports: [{ port: 80 }] }],
      want: ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"],
    },
    {
      name: "a loopback address and a bad port",
      subsets: [{ addresses: addrs("127.0.0.1"), ports: [{ port: 0 }] }],
      want: [
        'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      ],
    },
    {
      name: "unnamed ports when there are several",
      subsets: [{ addresses: addrs("10.244.1.5"), ports: [{ port: 80 }, { port: 81 }] }],
      want: ["subsets[0].ports[0].name: Required value", "subsets[0].ports[1].name: Required value"],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(endpointsKind.validate?.(endpoints(c.subsets)).map((e) => `${e.field}: ${e.body}`)).toEqual(
        c.want,
      );
    });
});

describe("EndpointSlice", () => {
  it("prints address type, ports and endpoints as printEndpointSlice does", () => {
    const s = slice({
      addressType: "IPv4",
      ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }, { name: "all" }, { port: 8080 }],
      endpoints: [
        { addresses: ["10.244.1.5"] },
        { addresses: ["10.244.2.3", "10.244.2.4"] },
        { addresses: ["10.244.3.1"] },
      ],
    });
    expect(printed(endpointSliceKind, s, now)).toEqual([
      "web-abc12",
      "IPv4",
      "80,443,all + 1 more...",
      "10.244.1.5,10.244.2.3,10.244.2.4 + 1 more...",
      "5m",
    ]);
    expect(printed(endpointSliceKind, slice({ addressType: "IPv4" }), now).slice(2, 4)).toEqual([
      "<unset>",
      "<unset>",
    ]);
  });

  const cases: { name: string; fields: Record<string, unknown>; want: string[] }[] = [
    { name: "valid", fields: { addressType: "IPv4", endpoints: [{ addresses: ["10.244.1.5"] }] }, want: [] },
    { name: "no address type", fields: {}, want: ["addressType: Required value"] },
    {
      name: "an unknown address type",
      fields: { addressType: "IP" },
      want: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    },
    {
      name: "an IPv6 address in an IPv4 slice, and an endpoint without addresses",
      fields: { addressType: "IPv4", endpoints: [{ addresses: ["fd00::1"] }, { addresses: [] }] },
      want: [
        'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
        "endpoints[1].addresses: Required value: must contain at least 1 address",
      ],
    },
    {
      name: "a port name twice",
      fields: {
        addressType: "IPv4",
        ports: [
          { name: "http", port: 80 },
          { name: "http", port: 81 },
        ],
      },
      want: ['ports[1].name: Duplicate value: "http"'],
    },
  ];
  for (const c of cases)
    it(`validates ${c.name}`, () => {
      expect(endpointSliceKind.validate?.(slice(c.fields)).map((e) => `${e.field}: ${e.body}`)).toEqual(
        c.want,
      );
    });
});
