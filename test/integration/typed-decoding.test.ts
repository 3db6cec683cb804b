import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;

beforeAll(async () => {
  sb = await t.newSandbox("decoding");
});

const sas = "/api/v1/namespaces/default/serviceaccounts";
const deployments = "/apis/apps/v1/namespaces/default/deployments";

function send(method: string, path: string, body: unknown, contentType = "application/json") {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, {
    method,
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const get = (path: string) => t.kube(sb.sandboxId, sb.sandboxToken, path);
const sa = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name },
  ...extra,
});

describe("a body that does not decode into its Go type is a 400, and nothing is stored", () => {
  const cases: [string, string, unknown, string][] = [
    [
      "a string where a list of containers goes",
      "/api/v1/namespaces/default/pods",
      { kind: "Pod", metadata: { name: "x" }, spec: { containers: "nginx" } },
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    ],
    [
      "a string where an int32 goes, inside lists",
      "/api/v1/namespaces/default/pods",
      {
        metadata: { name: "x" },
        spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: "80" }] }] },
      },
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ],
    [
      "a string where a list of named strings goes",
      "/api/v1/namespaces",
      { metadata: { name: "x" }, spec: { finalizers: "kubernetes" } },
      'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal string into Go struct field NamespaceSpec.spec.finalizers of type []v1.FinalizerName',
    ],
    [
      "a number label",
      sas,
      sa("x", { metadata: { name: "x", labels: { a: 1 } } }),
      'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      "a bool where a *bool goes is fine, a string is not",
      sas,
      sa("x", { automountServiceAccountToken: "yes" }),
      'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: json: cannot unmarshal string into Go struct field ServiceAccount.automountServiceAccountToken of type bool',
    ],
    [
      "bad base64 in a config map's binary data",
      "/api/v1/namespaces/default/configmaps",
      { metadata: { name: "x" }, binaryData: { a: "YWJjZA" } },
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 4',
    ],
  ];
  it.each(cases)("%s", async (_name, path, body, message) => {
    const res = await send("POST", path, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400, message });
    expect((await get(`${path}/x`)).status).toBe(404);
  });

  it("answers a body that is not an object with the decoder's summary", async () => {
    const res = await send("POST", "/api/v1/namespaces", "[]");
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b5d)',
    );
  });

  it("refuses an unknown fieldValidation with the options' 422", async () => {
    const res = await send("POST", `${sas}?fieldValidation=Loose`, sa("x"));
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });
});

describe("unknown and duplicate fields, by fieldValidation", () => {
  const unknown = sa("", { foo: 1, secrets: [{ nam: "s" }] });

  it("Strict: a 400 listing every unknown field, nothing stored", async () => {
    const res = await send("POST", `${sas}?fieldValidation=Strict`, {
      ...unknown,
      metadata: { name: "strict" },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: strict decoding error: unknown field "foo", unknown field "secrets[0].nam"',
    );
    expect((await get(`${sas}/strict`)).status).toBe(404);
  });

  it("Strict: duplicate fields in the JSON", async () => {
    const res = await send(
      "POST",
      `${sas}?fieldValidation=Strict`,
      '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"dup","name":"dup2"}}',
    );
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: strict decoding error: duplicate field "metadata.name"',
    );
  });

  it.each([
    ["Warn", "?fieldValidation=Warn"],
    ["absent (Warn is the default)", ""],
  ])("%s: created, one Warning header per field, the fields dropped", async (name, query) => {
    const objName = `warn-${query ? "explicit" : "default"}`;
    const res = await send("POST", `${sas}${query}`, { ...unknown, metadata: { name: objName } });
    expect(res.status, name).toBe(201);
    expect(res.headers.get("warning")).toBe(
      '299 - "unknown field \\"foo\\"", 299 - "unknown field \\"secrets[0].nam\\""',
    );
    const stored = await (await get(`${sas}/${objName}`)).json();
    expect(stored.foo).toBeUndefined();
    expect(stored.secrets).toEqual([{}]);
  });

  it("Ignore: created silently, the fields dropped", async () => {
    const res = await send("POST", `${sas}?fieldValidation=Ignore`, {
      ...unknown,
      metadata: { name: "ignore" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("warning")).toBeNull();
    expect((await res.json()).foo).toBeUndefined();
  });

  it("PUT decodes the same way", async () => {
    const current = await (await get(`${sas}/ignore`)).json();
    const bad = await send("PUT", `${sas}/ignore`, { ...current, automountServiceAccountToken: 1 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe(
      'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: json: cannot unmarshal number into Go struct field ServiceAccount.automountServiceAccountToken of type bool',
    );
    const strict = await send("PUT", `${sas}/ignore?fieldValidation=Strict`, { ...current, extra: true });
    expect(strict.status).toBe(400);
    expect((await strict.json()).message).toMatch(/strict decoding error: unknown field "extra"$/);
    const warn = await send("PUT", `${sas}/ignore?fieldValidation=Warn`, { ...current, extra: true });
    expect(warn.status).toBe(200);
    expect(warn.headers.get("warning")).toBe('299 - "unknown field \\"extra\\""');
  });
});

describe("a patch whose result does not decode is a 422 on the field patch", () => {
  beforeAll(async () => {
    const res = await send("POST", deployments, {
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    expect(res.status).toBe(201);
  });

  it("merge patch: the patched object quoted, then encoding/json's error", async () => {
    const res = await send(
      "PATCH",
      `${deployments}/web`,
      { spec: { replicas: "x" } },
      "application/merge-patch+json",
    );
    expect(res.status).toBe(422);
    const status = await res.json();
    expect(status.reason).toBe("Invalid");
    expect(status.message).toMatch(
      /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"apps\/v1\\",/,
    );
    expect(status.message).toMatch(
      /: json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
    );
    expect(status.details.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "patch",
        message: status.message.slice(' "" is invalid: patch: '.length),
      },
    ]);
  });

  it("strategic merge patch: the patch quoted as Go prints it, then the converter's error", async () => {
    const res = await send(
      "PATCH",
      `${deployments}/web`,
      { spec: { replicas: "x" } },
      "application/strategic-merge-patch+json",
    );
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:x]]": unrecognized type: int32',
    );
  });

  it("unknown fields: 422 under Strict, a warning under Warn", async () => {
    const body = { spec: { paused: true, pausd: true } };
    const strict = await send(
      "PATCH",
      `${deployments}/web?fieldValidation=Strict`,
      body,
      "application/merge-patch+json",
    );
    expect(strict.status).toBe(422);
    expect((await strict.json()).message).toMatch(/: strict decoding error: unknown field "spec\.pausd"$/);
    const warn = await send(
      "PATCH",
      `${deployments}/web?fieldValidation=Warn`,
      body,
      "application/merge-patch+json",
    );
    expect(warn.status).toBe(200);
    expect(warn.headers.get("warning")).toBe('299 - "unknown field \\"spec.pausd\\""');
    const patched = await warn.json();
    expect(patched.spec.paused).toBe(true);
    expect(patched.spec.pausd).toBeUndefined();
  });

  it("duplicate keys in the patch itself count too", async () => {
    const res = await send(
      "PATCH",
      `${deployments}/web?fieldValidation=Strict`,
      '{"spec":{"paused":false,"paused":true}}',
      "application/strategic-merge-patch+json",
    );
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      ' "" is invalid: patch: Invalid value: "map[spec:map[paused:true]]": strict decoding error: duplicate field "spec.paused"',
    );
  });
});
