import { describe, expect, it } from "vitest";
import { typecheck } from "../../kube/decode/go-json-decoder.ts";
import { type GoType, kindType, openKindType } from "../../kube/decode/go-model.ts";
import { parseJsonNodes } from "../../kube/decode/json-node.ts";

const type = (apiVersion: string, kind: string): GoType => {
  const t = kindType(apiVersion, kind);
  if (!t) throw new Error(`no type for ${apiVersion} ${kind}`);
  return t;
};
const pod = type("v1", "Pod");
const run = (t: GoType, json: string) => typecheck(parseJsonNodes(json), t, "json");
const quantityRegex =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe("typecheck: type errors as encoding/json words them", () => {
  const cases: [string, GoType, string, string][] = [
    [
      "string into a list of structs",
      pod,
      `{"spec":{"containers":"nginx"}}`,
      "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container",
    ],
    [
      "object into a list",
      pod,
      `{"spec":{"containers":{"name":"a"}}}`,
      "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container",
    ],
    [
      "string into a list element struct",
      pod,
      `{"spec":{"containers":["nginx"]}}`,
      "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container",
    ],
    [
      "string into int32, nested in lists (no indexes in the path)",
      pod,
      `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80"}]}]}}`,
      "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "fraction into int32, with its text",
      pod,
      `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80.5}]}]}}`,
      "json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "1.0 is not an integer to Go",
      pod,
      `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":1.0}]}]}}`,
      "json: cannot unmarshal number 1.0 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "int32 overflow",
      pod,
      `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":3000000000}]}]}}`,
      "json: cannot unmarshal number 3000000000 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    ],
    [
      "number into a named string type",
      pod,
      `{"spec":{"containers":[{"name":"a","imagePullPolicy":1}]}}`,
      "json: cannot unmarshal number into Go struct field Container.spec.containers.imagePullPolicy of type v1.PullPolicy",
    ],
    [
      "bool into string",
      pod,
      `{"metadata":{"name":true}}`,
      "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string",
    ],
    [
      "number into types.UID",
      pod,
      `{"metadata":{"uid":5}}`,
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID",
    ],
    [
      "map value: the map key is not in the path",
      pod,
      `{"metadata":{"labels":{"app":1}}}`,
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
    ],
    [
      "array into a map",
      pod,
      `{"metadata":{"labels":["a"]}}`,
      "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string",
    ],
    [
      "string into a struct",
      pod,
      `{"metadata":"x"}`,
      "json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta",
    ],
    [
      "inline field: the outer struct names it",
      pod,
      `{"spec":{"volumes":[{"name":"v","emptyDir":{"medium":5}}]}}`,
      "json: cannot unmarshal number into Go struct field EmptyDirVolumeSource.spec.volumes.emptyDir.medium of type v1.StorageMedium",
    ],
    [
      "inline field of the wrong kind",
      pod,
      `{"spec":{"volumes":[{"name":"v","emptyDir":"yes"}]}}`,
      "json: cannot unmarshal string into Go struct field Volume.spec.volumes.emptyDir of type v1.EmptyDirVolumeSource",
    ],
    [
      "a ResourceList by its Go name",
      pod,
      `{"spec":{"containers":[{"name":"a","resources":{"limits":"1"}}]}}`,
      "json: cannot unmarshal string into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList",
    ],
    [
      "string into *int32 (the pointer is not named)",
      type("apps/v1", "Deployment"),
      `{"spec":{"replicas":"3"}}`,
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
    ],
    [
      "int-or-string: bool is a type error on int32, in the field's context",
      pod,
      `{"spec":{"containers":[{"name":"a","livenessProbe":{"httpGet":{"port":true}}}]}}`,
      "json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of type int32",
    ],
    [
      "int-or-string: a fraction",
      type("v1", "Service"),
      `{"spec":{"ports":[{"port":80,"targetPort":1.5}]}}`,
      "json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.targetPort of type int32",
    ],
    [
      "time: not a string",
      pod,
      `{"metadata":{"creationTimestamp":5}}`,
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string",
    ],
    [
      "time: not RFC 3339",
      pod,
      `{"metadata":{"creationTimestamp":"yesterday"}}`,
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ],
    [
      "time: month out of range",
      pod,
      `{"metadata":{"creationTimestamp":"2024-13-01T00:00:00Z"}}`,
      'parsing time "2024-13-01T00:00:00Z": month out of range',
    ],
    ["quantity: malformed", pod, `{"spec":{"overhead":{"cpu":"1x"}}}`, quantityRegex],
    ["quantity: an object", pod, `{"spec":{"overhead":{"cpu":{}}}}`, quantityRegex],
    [
      "quantity: a bad suffix",
      pod,
      `{"spec":{"overhead":{"cpu":"1e"}}}`,
      "unable to parse quantity's suffix",
    ],
    [
      "bytes: bad base64",
      type("v1", "Secret"),
      `{"data":{"a":"YWJjZA"}}`,
      "illegal base64 data at input byte 4",
    ],
    [
      "bytes: a number",
      type("v1", "Secret"),
      `{"data":{"a":1}}`,
      "json: cannot unmarshal number into Go struct field Secret.data of type []uint8",
    ],
    [
      "the first saved error wins",
      pod,
      `{"metadata":{"name":1},"spec":{"containers":"x"}}`,
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string",
    ],
    [
      "an UnmarshalJSON error wins over an earlier saved one",
      pod,
      `{"metadata":{"name":1,"creationTimestamp":"x"}}`,
      'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"',
    ],
  ];
  it.each(cases)("%s", (_name, t, json, message) => {
    expect(run(t, json).error).toBe(message);
  });
});

describe("typecheck: what decodes", () => {
  const cases: [string, GoType, string, unknown][] = [
    [
      "nulls unset fields and zero list items",
      pod,
      `{"metadata":{"name":"x","labels":null},"spec":{"containers":[null],"nodeName":null}}`,
      { metadata: { name: "x" }, spec: { containers: [{}] } },
    ],
    [
      "quantities as strings or numbers, int-or-string as either",
      type("v1", "Service"),
      `{"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}]}}`,
      {
        spec: {
          ports: [
            { port: 80, targetPort: "http" },
            { port: 81, targetPort: 8081 },
          ],
        },
      },
    ],
    [
      "times in UTC, to the second",
      pod,
      `{"metadata":{"creationTimestamp":"2024-01-01T01:30:00.5+01:00"}}`,
      { metadata: { creationTimestamp: "2024-01-01T00:30:00Z" } },
    ],
    [
      "raw extensions and managed fields as sent",
      type("apps/v1", "ControllerRevision"),
      `{"data":{"anything":[1,"two"]},"metadata":{"managedFields":[{"fieldsV1":{"f:a":{}}}]}}`,
      { data: { anything: [1, "two"] }, metadata: { managedFields: [{ fieldsV1: { "f:a": {} } }] } },
    ],
    [
      "duplicate keys: objects merge, the last scalar wins",
      pod,
      `{"metadata":{"name":"a","labels":{"x":"1"}},"metadata":{"name":"b","labels":{"y":"2"}}}`,
      { metadata: { name: "b", labels: { x: "1", y: "2" } } },
    ],
    [
      "unknown fields are dropped",
      pod,
      `{"kind":"Pod","apiVersion":"v1","spec":{"foo":1,"containers":[{"name":"a","imagee":"x"}]}}`,
      { kind: "Pod", apiVersion: "v1", spec: { containers: [{ name: "a" }] } },
    ],
  ];
  it.each(cases)("%s", (_name, t, json, value) => {
    const result = run(t, json);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual(value);
  });

  it("keeps a __proto__ key of a map, of an open struct and inside any value as an own key", () => {
    const json = `{"data":{"__proto__":"x","b":"y"}}`;
    const data = (run(type("v1", "ConfigMap"), json).value as { data: Record<string, unknown> }).data;
    expect(Object.keys(data)).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    const open = run(openKindType("Widget"), `{"kind":"Widget","__proto__":{"__proto__":1}}`).value as Record<
      string,
      object
    >;
    expect(Object.keys(open)).toEqual(["kind", "__proto__"]);
    expect(Object.keys(Object.getOwnPropertyDescriptor(open, "__proto__")?.value)).toEqual(["__proto__"]);
  });
});

describe("typecheck: strict errors", () => {
  const cases: [string, string, string[]][] = [
    ["an unknown top-level field", `{"spex":{}}`, ['unknown field "spex"']],
    [
      "unknown fields with indexes, in document order",
      `{"spec":{"containers":[{"name":"a"},{"name":"b","imagee":"x"}],"foo":1}}`,
      ['unknown field "spec.containers[1].imagee"', 'unknown field "spec.foo"'],
    ],
    [
      "duplicate fields of structs and maps",
      `{"metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}}}`,
      ['duplicate field "metadata.name"', 'duplicate field "metadata.labels.x"'],
    ],
    [
      "an inline field's unknown field",
      `{"spec":{"volumes":[{"name":"v","emptyDir":{"size":"1Gi"}}]}}`,
      ['unknown field "spec.volumes[0].emptyDir.size"'],
    ],
    ["nothing inside an unknown field", `{"foo":{"a":1,"a":2}}`, ['unknown field "foo"']],
    ["the same error once", `{"foo":1,"foo":2}`, ['unknown field "foo"']],
  ];
  it.each(cases)("%s", (_name, json, strict) => {
    const result = run(pod, json);
    expect(result.error).toBeUndefined();
    expect(result.strict).toEqual(strict);
  });
});

describe("typecheck: the unstructured converter (strategic merge patch results)", () => {
  const deployment = type("apps/v1", "Deployment");
  const cases: [string, unknown, string | undefined, string[]][] = [
    ["string into int32", { spec: { replicas: "x" } }, "unrecognized type: int32", []],
    ["fraction into int32", { spec: { replicas: 1.5 } }, "cannot convert float64 to int32", []],
    ["integer into a string", { metadata: { name: 5 } }, "cannot convert int64 to string", []],
    ["bool into a string", { metadata: { name: true } }, "unrecognized type: string", []],
    ["string into a struct", { spec: "x" }, "cannot restore struct from: string", []],
    [
      "string into a list",
      { spec: { template: { spec: { containers: "x" } } } },
      "cannot restore slice from string",
      [],
    ],
    ["list into a map", { metadata: { labels: [] } }, "cannot restore map from slice", []],
    [
      "unknown fields, sorted",
      { spec: { zeta: 1, template: { spec: { containers: [{ name: "a", imagee: "x" }] } } }, alpha: 1 },
      undefined,
      [
        'unknown field "alpha"',
        'unknown field "spec.template.spec.containers[0].imagee"',
        'unknown field "spec.zeta"',
      ],
    ],
  ];
  it.each(cases)("%s", (_name, value, error, strict) => {
    const result = typecheck(parseJsonNodes(JSON.stringify(value)), deployment, "unstructured");
    expect(result.error).toBe(error);
    expect(result.strict).toEqual(strict);
  });
});
