import { describe, expect, it } from "vitest";
import { secretKind } from "../../../kube/kinds/secret/index.ts";
import { validateSecret, validateSecretUpdate } from "../../../kube/kinds/secret/validation.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");
function secret(fields: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "default", ...(annotations ? { annotations } : {}) },
    type: "Opaque",
    ...fields,
  };
}
const lines = (obj: KubeObject) => validateSecret(obj).map((e) => `${e.field}: ${e.body}`);

describe("Secret validation", () => {
  it.each([
    ["an Opaque secret with ordinary keys", secret({ data: { "key.name": b64("x"), KEY_NAME: "" } })],
    ["exactly 1 MiB of decoded data", secret({ data: { a: b64("x".repeat(1024 * 1024)) } })],
    [
      "a service account token naming its account",
      secret(
        { type: "kubernetes.io/service-account-token" },
        { "kubernetes.io/service-account.name": "default" },
      ),
    ],
    [
      "a docker config holding an object",
      secret({ type: "kubernetes.io/dockercfg", data: { ".dockercfg": b64("{}") } }),
    ],
    [
      "a docker config JSON holding null",
      secret({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64(" null ") } }),
    ],
    [
      "basic auth with a password only, empty",
      secret({ type: "kubernetes.io/basic-auth", data: { password: "" } }),
    ],
    ["ssh auth with a key", secret({ type: "kubernetes.io/ssh-auth", data: { "ssh-privatekey": b64("k") } })],
    [
      "tls with both keys, empty",
      secret({ type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } }),
    ],
    ["a bootstrap token (no required keys)", secret({ type: "bootstrap.kubernetes.io/token" })],
    ["a type of the user's own", secret({ type: "example.com/thing" })],
  ])("accepts %s", (_name, obj) => {
    expect(lines(obj)).toEqual([]);
  });

  it.each([
    [
      "a space in a key",
      secret({ data: { "a b": "" } }),
      [
        `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ],
    ],
    ["the key '..'", secret({ data: { "..": "" } }), [`data[..]: Invalid value: "..": must not be '..'`]],
    [
      "more than 1 MiB, counted decoded",
      secret({ data: { a: b64("x".repeat(1024 * 1024)), b: b64("y") } }),
      ["data: Too long: may not be more than 1048576 bytes"],
    ],
    [
      "a service account token without its account annotation",
      secret({ type: "kubernetes.io/service-account-token" }),
      ["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
    ],
    [
      "a dockercfg without .dockercfg",
      secret({ type: "kubernetes.io/dockercfg", data: { config: "" } }),
      ["data[.dockercfg]: Required value"],
    ],
    [
      "a dockerconfigjson without .dockerconfigjson",
      secret({ type: "kubernetes.io/dockerconfigjson" }),
      ["data[.dockerconfigjson]: Required value"],
    ],
    [
      "a dockerconfigjson that is not JSON",
      secret({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64('{"auths":') } }),
      [`data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`],
    ],
    [
      "a dockerconfigjson holding an array",
      secret({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("[]") } }),
      [
        `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}`,
      ],
    ],
    [
      "basic auth with neither username nor password",
      secret({ type: "kubernetes.io/basic-auth", data: { user: "" } }),
      ["data[username]: Required value", "data[password]: Required value"],
    ],
    [
      "ssh auth with an empty key",
      secret({ type: "kubernetes.io/ssh-auth", data: { "ssh-privatekey": "" } }),
      ["data[ssh-privatekey]: Required value"],
    ],
    [
      "tls without either key",
      secret({ type: "kubernetes.io/tls" }),
      ["data[tls.crt]: Required value", "data[tls.key]: Required value"],
    ],
  ])("refuses %s", (_name, obj, expected) => {
    expect(lines(obj)).toEqual(expected);
  });

  it.each([
    [
      "data and the flag of an immutable secret",
      secret({ immutable: true, data: { a: b64("1") } }),
      secret({ data: { a: b64("2") } }),
      [
        "immutable: Forbidden: field is immutable when `immutable` is set",
        "data: Forbidden: field is immutable when `immutable` is set",
      ],
    ],
    [
      "the same data, still immutable",
      secret({ immutable: true, data: { a: b64("1") } }),
      secret({ immutable: true, data: { a: b64("1") } }),
      [],
    ],
    ["data of a mutable secret", secret({ data: { a: b64("1") } }), secret({ immutable: true }), []],
    [
      "the type",
      secret({}),
      secret({ type: "kubernetes.io/tls" }),
      ['type: Invalid value: "kubernetes.io/tls": field is immutable'],
    ],
  ])("on update, checks %s", (_name, old, next, expected) => {
    expect(validateSecretUpdate(next, old).map((e) => `${e.field}: ${e.body}`)).toEqual(expected);
  });
});

describe("Secret defaults", () => {
  it("merges stringData over data, sorts keys, re-encodes base64 canonically, defaults the type", () => {
    const obj: KubeObject = {
      metadata: { name: "s" },
      data: { b: "YW\nJj", a: b64("old"), n: null },
      stringData: { a: "new", c: "ü" },
    };
    secretKind.defaults?.(obj);
    expect(obj).toEqual({
      metadata: { name: "s" },
      data: { a: b64("new"), b: "YWJj", c: b64("ü"), n: "" },
      type: "Opaque",
    });
    expect(Object.keys(obj.data as object)).toEqual(["a", "b", "c", "n"]);
  });

  it("drops an empty data map and keeps a given type", () => {
    const obj: KubeObject = { metadata: { name: "s" }, data: {}, stringData: {}, type: "kubernetes.io/tls" };
    secretKind.defaults?.(obj);
    expect(obj).toEqual({ metadata: { name: "s" }, type: "kubernetes.io/tls" });
  });

  it("prints Name, Type, Data (the key count, never a value) and Age", () => {
    const now = Date.parse("2024-01-01T00:10:00Z");
    const obj = secret({ data: { username: b64("admin"), password: b64("1f2d1e2e67df") } });
    obj.metadata.creationTimestamp = "2024-01-01T00:00:00Z";
    expect(secretKind.printer.columns.map((c) => c.name)).toEqual(["Name", "Type", "Data", "Age"]);
    expect(printed(secretKind, obj, now)).toEqual(["s", "Opaque", 2, "10m"]);
  });
});
