import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeProtobufObject, isProtobufContentType, loadRoot } from "../../kube/protobuf/decode.ts";
import { type FakeApiServer, fixtureCommands, startFakeApiServer } from "../../tools/capture-protobuf.ts";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "fixtures", "protobuf", `${name}.pb`));

/** Encodes `object` as proto message `type` and wraps it like Kubernetes: "k8s\0" + runtime.Unknown. */
function envelope(
  apiVersion: string,
  kind: string,
  object: Record<string, unknown>,
  type = `core.v1.${kind}`,
) {
  const root = loadRoot();
  const raw = root.lookupType(`k8s.io.api.${type}`).encode(object).finish();
  const unknown = root.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
  return new Uint8Array([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...unknown.encode({ typeMeta: { apiVersion, kind }, raw }).finish(),
  ]);
}

describe("isProtobufContentType", () => {
  it("matches the Kubernetes protobuf media type with or without parameters", () => {
    expect(isProtobufContentType("application/vnd.kubernetes.protobuf")).toBe(true);
    expect(isProtobufContentType("Application/Vnd.Kubernetes.Protobuf; charset=utf-8")).toBe(true);
    expect(isProtobufContentType("application/json")).toBe(false);
    expect(isProtobufContentType("application/vnd.kubernetes.protobuf+json")).toBe(false);
  });
});

describe("decodeProtobufObject on bodies captured from kubectl 1.32", () => {
  it("kubectl create namespace x", () => {
    expect(decodeProtobufObject(fixture("namespace"))).toStrictEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "x" },
      spec: {},
      status: {},
    });
  });

  it("kubectl create secret generic: data is base64", () => {
    expect(decodeProtobufObject(fixture("secret"))).toStrictEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { username: "YWRtaW4=", password: "MWYyZDFlMmU2N2Rm" },
    });
  });

  it("kubectl create configmap", () => {
    expect(decodeProtobufObject(fixture("configmap"))).toStrictEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { a: "b" },
    });
  });

  it("kubectl create deployment --replicas=0 keeps the explicit zero", () => {
    expect(decodeProtobufObject(fixture("deployment"))).toStrictEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", labels: { app: "d" } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "d" } },
        template: {
          metadata: { labels: { app: "d" } },
          spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it("kubectl create serviceaccount", () => {
    expect(decodeProtobufObject(fixture("serviceaccount"))).toStrictEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "sa1" },
    });
  });
});

describe("decodeProtobufObject conversions", () => {
  it("keeps a false pointer bool and drops unset fields", () => {
    const body = envelope("v1", "ServiceAccount", {
      metadata: { name: "a" },
      automountServiceAccountToken: false,
    });
    expect(decodeProtobufObject(body)).toStrictEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "a" },
      automountServiceAccountToken: false,
    });
  });

  it("drops zero non-pointer omitempty fields but keeps non-omitempty ones", () => {
    const body = envelope("v1", "Pod", {
      metadata: { name: "p", generation: 0, namespace: "" },
      spec: { hostNetwork: false, containers: [{ name: "c", ports: [{ containerPort: 0, hostPort: 0 }] }] },
    });
    expect(decodeProtobufObject(body)).toStrictEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", ports: [{ containerPort: 0 }] }] },
    });
  });

  it("converts Time, MicroTime, Quantity, IntOrString, FieldsV1, RawExtension and inline structs", () => {
    const json = new TextEncoder();
    const pod = decodeProtobufObject(
      envelope("v1", "Pod", {
        metadata: {
          name: "p",
          creationTimestamp: { seconds: 1704164645 },
          managedFields: [{ manager: "kubectl", fieldsV1: { Raw: json.encode('{"f:metadata":{}}') } }],
        },
        spec: {
          containers: [
            {
              name: "c",
              resources: { limits: { cpu: { string: "500m" } } },
              livenessProbe: { handler: { httpGet: { port: { type: 1, strVal: "http" } } } },
              readinessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } } },
              env: [
                { name: "A", valueFrom: { secretKeyRef: { localObjectReference: { name: "s" }, key: "k" } } },
              ],
            },
          ],
          volumes: [{ name: "v", volumeSource: { configMap: { localObjectReference: { name: "cm" } } } }],
        },
      }),
    );
    expect(pod.metadata).toStrictEqual({
      name: "p",
      creationTimestamp: "2024-01-02T03:04:05Z",
      managedFields: [{ manager: "kubectl", fieldsV1: { "f:metadata": {} } }],
    });
    expect(pod.spec).toStrictEqual({
      containers: [
        {
          name: "c",
          resources: { limits: { cpu: "500m" } },
          livenessProbe: { httpGet: { port: "http" } },
          readinessProbe: { tcpSocket: { port: 8080 } },
          env: [{ name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }],
        },
      ],
      volumes: [{ name: "v", configMap: { name: "cm" } }],
    });

    const lease = decodeProtobufObject(
      envelope(
        "coordination.k8s.io/v1",
        "Lease",
        { spec: { renewTime: { seconds: 1704164645, nanos: 123456789 } } },
        "coordination.v1.Lease",
      ),
    );
    expect(lease.spec).toStrictEqual({ renewTime: "2024-01-02T03:04:05.123456Z" });

    const revision = decodeProtobufObject(
      envelope(
        "apps/v1",
        "ControllerRevision",
        { data: { raw: json.encode('{"spec":{"a":1}}') }, revision: 3 },
        "apps.v1.ControllerRevision",
      ),
    );
    expect(revision).toStrictEqual({
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      data: { spec: { a: 1 } },
      revision: 3,
    });
  });

  it("renames fields whose JSON name differs from the proto name", () => {
    const body = envelope(
      "networking.k8s.io/v1",
      "IngressClass",
      { spec: { controller: "c", parameters: { aPIGroup: "example.com", kind: "K", name: "n" } } },
      "networking.v1.IngressClass",
    );
    expect(decodeProtobufObject(body).spec).toStrictEqual({
      controller: "c",
      parameters: { apiGroup: "example.com", kind: "K", name: "n" },
    });
  });
});

describe("decodeProtobufObject errors", () => {
  it("rejects a body without the k8s prefix", () => {
    expect(() => decodeProtobufObject(new TextEncoder().encode('{"kind":"Namespace"}'))).toThrow(/k8s\\0/);
  });

  it("rejects a truncated body", () => {
    const body = fixture("deployment");
    expect(() => decodeProtobufObject(body.subarray(0, body.length - 20))).toThrow(/invalid protobuf body/);
  });

  it("rejects an unknown kind and an unknown apiVersion", () => {
    expect(() => decodeProtobufObject(envelope("v1", "Frobnicator", {}, "core.v1.Namespace"))).toThrow(
      'protobuf decoding is not supported for apiVersion "v1", kind "Frobnicator"',
    );
    const body = envelope("example.com/v1", "Namespace", {});
    expect(() => decodeProtobufObject(body)).toThrow(Error);
    expect(() => decodeProtobufObject(body)).toThrow(/apiVersion "example.com\/v1", kind "Namespace"/);
  });
});

const kubectlPath = "/usr/bin/kubectl";

describe.skipIf(!existsSync(kubectlPath))(
  "decoded bodies equal kubectl's own JSON (--dry-run=client -o json)",
  () => {
    let server: FakeApiServer;
    beforeAll(async () => {
      server = await startFakeApiServer(kubectlPath);
    });
    afterAll(() => server?.close());

    const withoutNulls = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v)));

    const commands: Record<string, string[]> = {
      ...fixtureCommands,
      "docker-registry secret": [
        "create",
        "secret",
        "docker-registry",
        "r",
        "--docker-server=example.com",
        "--docker-username=u",
        "--docker-password=p",
      ],
      quota: ["create", "quota", "q", "--hard=cpu=1,memory=1G,pods=2", "--scopes=BestEffort"],
      "clusterip service": ["create", "service", "clusterip", "s", "--tcp=80:8080"],
      "nodeport service": ["create", "service", "nodeport", "s", "--tcp=80:8080", "--node-port=30080"],
      "deployment with port": ["create", "deployment", "d", "--image=nginx", "--port=80", "--", "sleep", "1"],
      job: ["create", "job", "j", "--image=busybox", "--", "sleep", "1"],
      cronjob: ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/1 * * * *", "--", "date"],
      role: ["create", "role", "r", "--verb=get,list", "--resource=pods", "--resource-name=a"],
      rolebinding: ["create", "rolebinding", "rb", "--role=r", "--user=u", "--serviceaccount=default:sa"],
      clusterrole: ["create", "clusterrole", "cr", "--verb=get", "--non-resource-url=/logs/*"],
      pdb: ["create", "pdb", "p", "--selector=app=x", "--min-available=0"],
      ingress: ["create", "ingress", "i", "--rule=foo.com/bar=svc1:8080,tls=my-cert", "--class=nginx"],
      priorityclass: ["create", "priorityclass", "p0", "--value=0"],
    };

    it.each(Object.entries(commands))("%s", async (_name, args) => {
      const { posted } = await server.kubectl(args);
      expect(posted && isProtobufContentType(posted.contentType)).toBe(true);
      const dryRun = [...args];
      dryRun.splice(
        args.includes("--") ? args.indexOf("--") : args.length,
        0,
        "--dry-run=client",
        "-o",
        "json",
      );
      const { stdout } = await server.kubectl(dryRun);
      expect(decodeProtobufObject(posted?.body ?? new Uint8Array())).toStrictEqual(
        withoutNulls(JSON.parse(stdout)),
      );
    });
  },
);
