import { describe, expect, it } from "vitest";
import {
  configMapKind,
  validateConfigMap,
  validateConfigMapUpdate,
} from "../../../kube/kinds/configmap/index.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

function cm(fields: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default" }, ...fields };
}
const lines = (obj: KubeObject) => validateConfigMap(obj).map((e) => `${e.field}: ${e.body}`);

describe("ConfigMap validation", () => {
  it.each([
    ["ordinary keys", { data: { "key.name": "x", KEY_NAME: "y", "key-name": "z" } }],
    ["exactly 1 MiB", { data: { a: "x".repeat(1024 * 1024) } }],
    ["binary data only", { binaryData: { logo: "iVBORw0K" } }],
  ])("accepts %s", (_name, fields) => {
    expect(lines(cm(fields))).toEqual([]);
  });

  it.each([
    [
      "a space in a key",
      { data: { "a b": "x" } },
      [
        `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ],
    ],
    ["'.'", { binaryData: { ".": "eA==" } }, [`binaryData[.]: Invalid value: ".": must not be '.'`]],
    [
      "a 254-character key",
      { data: { ["k".repeat(254)]: "x" } },
      [`data[${"k".repeat(254)}]: Invalid value: "${"k".repeat(254)}": must be no more than 253 characters`],
    ],
    [
      "the same key in both maps",
      { data: { a: "x" }, binaryData: { a: "eA==" } },
      ['data[a]: Invalid value: "a": duplicate of key present in binaryData'],
    ],
    [
      "data and binaryData over 1 MiB together (binary counted decoded)",
      { data: { a: "x".repeat(1024 * 1024 - 1) }, binaryData: { b: "eHg=" } },
      ["[]: Too long: may not be more than 1048576 bytes"],
    ],
  ])("refuses %s", (_name, fields, expected) => {
    expect(lines(cm(fields))).toEqual(expected);
  });

  it("freezes an immutable ConfigMap's data, binaryData and the flag itself", () => {
    const old = cm({ immutable: true, data: { a: "1" }, binaryData: { b: "eA==" } });
    expect(
      validateConfigMapUpdate(cm({ immutable: true, data: { a: "1" }, binaryData: { b: "eA==" } }), old),
    ).toEqual([]);
    expect(
      validateConfigMapUpdate(cm({ data: { a: "2" } }), old).map((e) => `${e.field}: ${e.body}`),
    ).toEqual([
      "immutable: Forbidden: field is immutable when `immutable` is set",
      "data: Forbidden: field is immutable when `immutable` is set",
      "binaryData: Forbidden: field is immutable when `immutable` is set",
    ]);
    expect(validateConfigMapUpdate(cm({ data: { a: "2" } }), cm({ data: { a: "1" } }))).toEqual([]);
  });

  it("refuses data that does not decode into the Go type", () => {
    expect(() => configMapKind.defaults?.(cm({ data: { a: 1 } }))).toThrow(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
    expect(() => configMapKind.defaults?.(cm({ immutable: "yes" }))).toThrow(
      "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool",
    );
  });

  it("prints Name, Data (data and binaryData keys) and Age", () => {
    const now = Date.parse("2024-01-01T00:10:00Z");
    const obj = cm({ data: { a: "1", b: "2" }, binaryData: { c: "eA==" } });
    obj.metadata.creationTimestamp = "2024-01-01T00:00:00Z";
    expect(printed(configMapKind, obj, now)).toEqual(["c", 3, "10m"]);
    expect(configMapKind.printer.columns.map((c) => c.name)).toEqual(["Name", "Data", "Age"]);
  });
});
