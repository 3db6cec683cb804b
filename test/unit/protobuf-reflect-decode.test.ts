import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRoot } from "../../kube/protobuf/decode.ts";
import { decodeMessage } from "../../kube/protobuf/reflect-decode.ts";

const root = loadRoot();
const unknown = root.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
/** A decoded message as plain data (Longs as strings), own and inherited fields alike. */
const plain = (type: string, message: object) =>
  root.lookupType(type).toObject(message as never, { longs: String, bytes: Array, defaults: false });

describe("decoding without generated code", () => {
  for (const [name, type] of [
    ["namespace", "k8s.io.api.core.v1.Namespace"],
    ["secret", "k8s.io.api.core.v1.Secret"],
    ["deployment", "k8s.io.api.apps.v1.Deployment"],
    ["configmap", "k8s.io.api.core.v1.ConfigMap"],
    ["serviceaccount", "k8s.io.api.core.v1.ServiceAccount"],
  ] as const)
    it(`reads kubectl's ${name} as protobufjs's generated decoder does`, () => {
      const bytes = readFileSync(
        join(import.meta.dirname, "..", "fixtures", "protobuf", `${name}.pb`),
      ).subarray(4);
      const envelope = decodeMessage(unknown, bytes);
      expect(plain(unknown.fullName, envelope)).toEqual(plain(unknown.fullName, unknown.decode(bytes)));
      const raw = envelope.raw as Uint8Array;
      const object = root.lookupType(type);
      expect(plain(type, decodeMessage(object, raw))).toEqual(plain(type, object.decode(raw)));
    });

  it("refuses a truncated body as the generated decoder does", () => {
    const bytes = readFileSync(
      join(import.meta.dirname, "..", "fixtures", "protobuf", "deployment.pb"),
    ).subarray(4);
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(() => unknown.decode(cut)).toThrow(/index out of range/);
    expect(() => decodeMessage(unknown, cut)).toThrow(/index out of range/);
  });
});
