import { describe, expect, it } from "vitest";
import { type DecodeOptions, decodeTyped } from "../../kube/decode/decode-typed.ts";
import { type JsonBody, parseJsonBody } from "../../kube/decode/json-node.ts";
import { StatusError } from "../../kube/errors.ts";
import type { Kind } from "../../kube/kinds/kind.ts";
import { namespaceKind } from "../../kube/kinds/namespace/index.ts";

const widget: Kind = {
  ...namespaceKind,
  group: "example.com",
  version: "v1",
  kind: "Widget",
  resource: "widgets",
};

/** The StatusError decodeTyped throws, as code and message; a JsonBody is decoded with its text. */
function failure(kind: Kind, body: unknown, options: DecodeOptions = {}): [number, string] {
  const json = body instanceof Object && "text" in body && "value" in body ? (body as JsonBody) : undefined;
  try {
    decodeTyped(kind, json ? json.value : body, json ? { ...options, sourceText: json.text } : options);
  } catch (err) {
    if (err instanceof StatusError) return [err.code, err.message];
    throw err;
  }
  throw new Error("decoded");
}

describe("decodeTyped", () => {
  const refused: [string, Kind, unknown, [number, string]][] = [
    [
      "a kind that is not a string",
      namespaceKind,
      parseJsonBody('{"kind":5}'),
      [
        400,
        'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"kind":5})',
      ],
    ],
    [
      "an apiVersion with too many slashes",
      namespaceKind,
      { apiVersion: "a/b/c" },
      [
        400,
        'the object provided is unrecognized (must be of type Namespace): unexpected GroupVersion string: a/b/c ({"apiVersion":"a/b/c"})',
      ],
    ],
    [
      "another kind's apiVersion",
      namespaceKind,
      { apiVersion: "apps/v1", kind: "Namespace" },
      [400, "the API version in the data (apps/v1) does not match the expected API version (v1)"],
    ],
    [
      "a kind without a message still has a typed metadata",
      widget,
      { metadata: { name: 1 } },
      [
        400,
        'Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
      ],
    ],
  ];
  it.each(refused)("refuses %s", (_name, kind, body, want) => {
    expect(failure(kind, body)).toEqual(want);
  });

  it("keeps what a kind without a message adds, and never calls it unknown", () => {
    const warnings: string[] = [];
    const body = { apiVersion: "example.com/v1", metadata: { name: "w" }, spec: { size: 3 } };
    expect(decodeTyped(widget, body, { fieldValidation: "Strict", warnings })).toEqual(body);
    expect(warnings).toEqual([]);
  });

  it("warns about a JSON patch's own unknown fields, as json patch errors", () => {
    const warnings: string[] = [];
    const body = parseJsonBody('[{"op":"add","path":"/metadata/labels","valeu":{}}]');
    const patch = { type: "json" as const, body: body.value, sourceText: body.text };
    decodeTyped(namespaceKind, { metadata: { name: "n" } }, { warnings, patch });
    expect(warnings).toEqual(['json patch unknown field "[0].valeu"']);
  });

  it("leaves strict errors alone under Ignore", () => {
    const warnings: string[] = [];
    const obj = decodeTyped(
      namespaceKind,
      { metadata: { name: "n" }, spek: 1 },
      { fieldValidation: "Ignore", warnings },
    );
    expect(obj).toEqual({ metadata: { name: "n" } });
    expect(warnings).toEqual([]);
  });

  it("sees a body's duplicate keys in a copy of it too: the text travels beside the value", () => {
    const body = parseJsonBody('{"metadata":{"name":"a","name":"b"}}');
    const warnings: string[] = [];
    const obj = decodeTyped(namespaceKind, structuredClone(body.value), { sourceText: body.text, warnings });
    expect(obj).toEqual({ metadata: { name: "b" } });
    expect(warnings).toEqual(['duplicate field "metadata.name"']);
  });
});

describe("decodeTyped: what Go's encoding of the decoded object leaves out", () => {
  const pod = { ...namespaceKind, group: "", version: "v1", kind: "Pod", resource: "pods" };
  it("drops empty slices and maps tagged omitempty, keeps those that are not, and managedFields as sent", () => {
    const decoded = decodeTyped(pod, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: {}, annotations: {}, finalizers: [], managedFields: [] },
      spec: { containers: [], volumes: [], nodeSelector: {} },
    }) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    expect(decoded.metadata).toEqual({ name: "p", managedFields: [] });
    expect(decoded.spec).toEqual({ containers: [] });
  });
});
