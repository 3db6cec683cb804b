import { describe, expect, it } from "vitest";
import { viewAs } from "../../../kube/kinds/kind.ts";
import { serviceKind } from "../../../kube/kinds/service/index.ts";
import { validateObjectMeta } from "../../../kube/meta/object-meta.ts";
import type { KubeObject } from "../../../kube/object.ts";

/** A service as it reaches validation: decoded, defaulted and prepared for create. */
function prepared(spec: Record<string, unknown>, name = "web"): KubeObject {
  const obj: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default" },
    spec,
  };
  serviceKind.defaults?.(obj);
  serviceKind.prepareForCreate?.(viewAs(serviceKind, obj));
  return obj;
}

function messages(obj: KubeObject): string[] {
  return [...validateObjectMeta(serviceKind, obj), ...(serviceKind.validate?.(obj) ?? [])].map(
    (e) => `${e.field}: ${e.body}`,
  );
}

const port80 = [{ port: 80 }];

describe("Service validation messages", () => {
  const cases: { name: string; spec: Record<string, unknown>; svcName?: string; want: string[] }[] = [
    { name: "a valid service", spec: { ports: port80, selector: { app: "web" } }, want: [] },
    {
      name: "a name that is not a DNS-1035 label",
      svcName: "1web",
      spec: { ports: port80 },
      want: [
        `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ],
    },
    { name: "no ports", spec: {}, want: ["spec.ports: Required value"] },
    { name: "no ports but headless", spec: { clusterIP: "None" }, want: [] },
    {
      name: "no ports on ExternalName",
      spec: { type: "ExternalName", externalName: "example.com" },
      want: [],
    },
    {
      name: "port 0 and 70000",
      spec: {
        ports: [
          { name: "a", port: 0, targetPort: 1 },
          { name: "b", port: 70000 },
        ],
      },
      want: [
        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        "spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      ],
    },
    {
      name: "unnamed ports when there are several",
      spec: { ports: [{ port: 80 }, { port: 443 }] },
      want: ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"],
    },
    {
      name: "a port name twice",
      spec: {
        ports: [
          { name: "http", port: 80 },
          { name: "http", port: 81 },
        ],
      },
      want: ['spec.ports[1].name: Duplicate value: "http"'],
    },
    {
      name: "the same port and protocol twice",
      spec: {
        ports: [
          { name: "a", port: 80 },
          { name: "b", port: 80 },
        ],
      },
      want: [
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    },
    {
      name: "an unknown protocol",
      spec: { ports: [{ port: 80, protocol: "HTTP" }] },
      want: ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    },
    {
      name: "a target port name that is not an IANA_SVC_NAME",
      spec: { ports: [{ port: 80, targetPort: "Web_Port" }] },
      want: [
        'spec.ports[0].targetPort: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      name: "a numeric target port name",
      spec: { ports: [{ port: 80, targetPort: "8080" }] },
      want: ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'],
    },
    {
      name: "a node port on a ClusterIP service",
      spec: { ports: [{ port: 80, nodePort: 30080 }] },
      want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      name: "an unknown type",
      spec: { type: "Ingress", ports: port80 },
      want: [
        'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    },
    {
      name: "an invalid selector",
      spec: { ports: port80, selector: { app: "-web" } },
      want: [
        `spec.selector: Invalid value: "-web": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    },
    {
      name: "an unknown session affinity",
      spec: { ports: port80, sessionAffinity: "Sticky" },
      want: ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
    },
    {
      name: "a headless NodePort",
      spec: { type: "NodePort", clusterIP: "None", ports: port80 },
      want: [`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`],
    },
    {
      name: "a cluster IP that is not an IP",
      spec: { clusterIP: "10.96.0.300", ports: port80 },
      want: [
        'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
    {
      name: "clusterIPs that disagree with clusterIP",
      spec: { clusterIP: "10.96.0.5", clusterIPs: ["10.96.0.6"], ports: port80 },
      want: ['spec.clusterIPs: Invalid value: []string{"10.96.0.6"}: first value must match `clusterIP`'],
    },
    {
      name: "an external traffic policy on a ClusterIP service",
      spec: { ports: port80, externalTrafficPolicy: "Local" },
      want: [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
      ],
    },
    {
      name: "an ExternalName without a name",
      spec: { type: "ExternalName" },
      want: ["spec.externalName: Required value"],
    },
    {
      name: "a loopback external IP",
      spec: { ports: port80, externalIPs: ["127.0.0.1"] },
      want: [
        'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(messages(prepared(structuredClone(c.spec), c.svcName))).toEqual(c.want);
    });
});

describe("Service update validation", () => {
  it("refuses a changed cluster IP and accepts a resubmitted manifest without one", () => {
    const old = prepared({ ports: port80, clusterIP: "10.96.3.3" });
    old.spec = { ...(old.spec as object), ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" };
    const changed = prepared({ ports: port80, clusterIP: "10.96.3.4" });
    serviceKind.prepareForUpdate?.(viewAs(serviceKind, changed), viewAs(serviceKind, old));
    expect(serviceKind.validateUpdate?.(changed, old).map((e) => `${e.field}: ${e.body}`)).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.3.4"}: may not change once set',
    ]);
    const resubmitted = prepared({ ports: port80 });
    serviceKind.prepareForUpdate?.(viewAs(serviceKind, resubmitted), viewAs(serviceKind, old));
    expect(serviceKind.validateUpdate?.(resubmitted, old)).toEqual([]);
    expect(resubmitted.spec).toMatchObject({ clusterIP: "10.96.3.3", clusterIPs: ["10.96.3.3"] });
  });
});
