import { describe, expect, it } from "vitest";
import { keyElement, pathString, valueElement } from "../../kube/fieldmanager/path.ts";
import { FieldSet } from "../../kube/fieldmanager/set.ts";
import { compareObjects, mergeObjects, removeItems, toFieldSet } from "../../kube/fieldmanager/typed.ts";
import { kindSchema } from "../../kube/types/merge-schema.ts";

const pod = kindSchema("v1", "Pod");
const namespace = kindSchema("v1", "Namespace");
const service = kindSchema("v1", "Service");
const deployment = kindSchema("apps/v1", "Deployment");

const podSpec = (containers: unknown[]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p" },
  spec: { containers },
});

describe("subsets and equality", () => {
  it("a subset holds when every path of one set is in the other, at every depth", () => {
    const big = FieldSet.of(["f:a"], ["f:b", "f:c"], ["f:b", "f:d"], ["f:b"]);
    expect(FieldSet.of(["f:b", "f:c"]).isSubsetOf(big)).toBe(true);
    expect(FieldSet.of(["f:a"], ["f:b"]).isSubsetOf(big)).toBe(true);
    expect(new FieldSet().isSubsetOf(big)).toBe(true);
    expect(FieldSet.of(["f:b", "f:e"]).isSubsetOf(big)).toBe(false);
    expect(FieldSet.of(["f:c"]).isSubsetOf(big)).toBe(false);
    expect(FieldSet.of(["f:a", "f:x"]).isSubsetOf(big)).toBe(false);
    expect(big.isSubsetOf(FieldSet.of(["f:b", "f:c"]))).toBe(false);
    expect(big.equals(FieldSet.of(["f:b"], ["f:b", "f:d"], ["f:a"], ["f:b", "f:c"]))).toBe(true);
    expect(big.equals(FieldSet.of(["f:b"], ["f:b", "f:d"], ["f:a"]))).toBe(false);
  });
});

describe("FieldsV1 encoding", () => {
  const cases: { name: string; paths: string[][]; fields: Record<string, unknown> }[] = [
    {
      name: "a leaf is an empty object",
      paths: [["f:spec", "f:replicas"]],
      fields: { "f:spec": { "f:replicas": {} } },
    },
    {
      name: "a member with children gets a dot",
      paths: [
        ["f:metadata", "f:labels"],
        ["f:metadata", "f:labels", "f:app"],
      ],
      fields: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
    },
    {
      name: "fields sort before keys, keys by their fields",
      paths: [
        ["f:spec", "f:containers", keyElement({ name: "web" })],
        ["f:spec", "f:containers", keyElement({ name: "app" })],
        ["f:spec", "f:containers", keyElement({ name: "app" }), "f:image"],
      ],
      fields: {
        "f:spec": {
          "f:containers": { 'k:{"name":"app"}': { ".": {}, "f:image": {} }, 'k:{"name":"web"}': {} },
        },
      },
    },
    {
      name: "multi-field keys are written sorted by field name",
      paths: [["f:ports", keyElement({ protocol: "TCP", containerPort: 80 })]],
      fields: { "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': {} } },
    },
    {
      name: "set items are values",
      paths: [["f:metadata", "f:finalizers", valueElement("kubernetes.io/pv")]],
      fields: { "f:metadata": { "f:finalizers": { 'v:"kubernetes.io/pv"': {} } } },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const set = FieldSet.of(...c.paths);
      expect(set.toFieldsV1()).toEqual(c.fields);
      expect(JSON.stringify(set.toFieldsV1())).toBe(JSON.stringify(c.fields));
      const back = FieldSet.fromFieldsV1(c.fields);
      expect(back.paths()).toEqual(set.paths());
    });

  it("refuses malformed entries and skips unknown element types", () => {
    expect(() => FieldSet.fromFieldsV1({ "f:a": "x" })).toThrow();
    expect(() => FieldSet.fromFieldsV1({ nocolon: {} })).toThrow(/missing colon/);
    expect(FieldSet.fromFieldsV1({ "x:future": {}, "f:a": {} }).paths()).toEqual([["f:a"]]);
  });
});

describe("conflict paths", () => {
  const cases: [string[], string][] = [
    [["f:spec", "f:replicas"], ".spec.replicas"],
    [["f:metadata", "f:labels", "f:app.kubernetes.io/name"], ".metadata.labels.app.kubernetes.io/name"],
    [
      ["f:spec", "f:containers", keyElement({ name: "web" }), "f:image"],
      '.spec.containers[name="web"].image',
    ],
    [
      ["f:ports", keyElement({ containerPort: 80, protocol: "TCP" })],
      '.ports[containerPort=80,protocol="TCP"]',
    ],
    [["f:metadata", "f:finalizers", valueElement("x")], '.metadata.finalizers[="x"]'],
  ];
  for (const [path, text] of cases) it(text, () => expect(pathString(path)).toBe(text));
});

describe("the fields of an applied configuration (ToFieldSet)", () => {
  const cases: {
    name: string;
    schema?: ReturnType<typeof kindSchema>;
    config: Record<string, unknown>;
    fields: Record<string, unknown>;
  }[] = [
    {
      name: "maps own their entries, not themselves",
      schema: namespace,
      config: { apiVersion: "v1", kind: "Namespace", metadata: { name: "x", labels: { app: "a" } } },
      fields: {
        "f:apiVersion": {},
        "f:kind": {},
        "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
      },
    },
    {
      name: "keyed list items own themselves; empty maps are leaves",
      config: podSpec([{ name: "web", image: "nginx", resources: {} }]),
      fields: {
        "f:apiVersion": {},
        "f:kind": {},
        "f:metadata": { "f:name": {} },
        "f:spec": {
          "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {}, "f:resources": {} } },
        },
      },
    },
    {
      name: "container ports are keyed by port and protocol, TCP when left out",
      config: { spec: { containers: [{ name: "web", ports: [{ containerPort: 80 }] }] } },
      fields: {
        "f:spec": {
          "f:containers": {
            'k:{"name":"web"}': {
              ".": {},
              "f:name": {},
              "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
            },
          },
        },
      },
    },
    {
      name: "atomic lists and selectors are owned whole",
      schema: deployment,
      config: { spec: { selector: { matchLabels: { app: "a" } }, tolerations: [{ key: "k" }] } },
      fields: { "f:spec": { "f:selector": {}, "f:tolerations": {} } },
    },
  ];
  for (const c of cases)
    it(c.name, () => expect(toFieldSet(c.schema ?? pod, c.config).toFieldsV1()).toEqual(c.fields));

  it("refuses a keyed item without its key", () => {
    expect(() => toFieldSet(pod, podSpec([{ image: "nginx" }]))).toThrow(
      'associative list with keys has an element that omits key field "name"',
    );
  });
});

describe("comparing objects (what an Update owns)", () => {
  it("a create owns new maps and list items with a dot, structs held by value without", () => {
    const created = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", labels: { app: "a" } },
      spec: {
        replicas: 1,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } },
        template: {
          metadata: { labels: { app: "a" } },
          spec: { containers: [{ name: "web", image: "nginx", resources: {} }] },
        },
      },
    };
    const c = compareObjects(deployment, { metadata: {} }, created);
    expect(c.added.toFieldsV1()).toEqual({
      "f:apiVersion": {},
      "f:kind": {},
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} }, "f:name": {} },
      "f:spec": {
        "f:replicas": {},
        "f:strategy": { "f:rollingUpdate": { ".": {}, "f:maxSurge": {} }, "f:type": {} },
        "f:template": {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {}, "f:resources": {} },
            },
          },
        },
      },
    });
    expect(c.modified.isEmpty() && c.removed.isEmpty()).toBe(true);
  });

  const cases: {
    name: string;
    lhs: Record<string, unknown>;
    rhs: Record<string, unknown>;
    added?: string[][];
    modified?: string[][];
    removed?: string[][];
  }[] = [
    {
      name: "a changed label is modified",
      lhs: { metadata: { labels: { a: "1" } } },
      rhs: { metadata: { labels: { a: "2" } } },
      modified: [["f:metadata", "f:labels", "f:a"]],
    },
    {
      name: "the last label removed removes the map too",
      lhs: { metadata: { labels: { a: "1" } } },
      rhs: { metadata: {} },
      removed: [
        ["f:metadata", "f:labels"],
        ["f:metadata", "f:labels", "f:a"],
      ],
    },
    {
      name: "an atomic list is modified as one",
      lhs: { spec: { tolerations: [{ key: "a" }] } },
      rhs: { spec: { tolerations: [{ key: "b" }] } },
      modified: [["f:spec", "f:tolerations"]],
    },
    {
      name: "an item changed inside a keyed list",
      lhs: podSpec([{ name: "web", image: "nginx:1" }]),
      rhs: podSpec([{ name: "web", image: "nginx:2" }]),
      modified: [["f:spec", "f:containers", keyElement({ name: "web" }), "f:image"]],
    },
    {
      name: "equal objects differ in nothing, whatever the key order",
      lhs: { metadata: { labels: { a: "1", b: "2" } } },
      rhs: { metadata: { labels: { b: "2", a: "1" } } },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const out = compareObjects(pod, c.lhs, c.rhs);
      expect(out.added.paths()).toEqual(c.added ?? []);
      expect(out.modified.paths()).toEqual(c.modified ?? []);
      expect(out.removed.paths()).toEqual(c.removed ?? []);
    });
});

describe("merging and removing", () => {
  it("merges keyed lists by key, in the applied order, keeping live-only items in place", () => {
    const live = podSpec([
      { name: "a", image: "a:1" },
      { name: "x", image: "x:1" },
      { name: "b", image: "b:1" },
    ]);
    const config = podSpec([
      { name: "b", image: "b:2" },
      { name: "a", image: "a:1" },
      { name: "c", image: "c:1" },
    ]);
    const merged = mergeObjects(pod, live, config) as {
      spec: { containers: { name: string; image: string }[] };
    };
    expect(merged.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      "x=x:1",
      "b=b:2",
      "a=a:1",
      "c=c:1",
    ]);
  });

  it("replaces atomic values and merges maps", () => {
    const merged = mergeObjects(
      service,
      { metadata: { labels: { a: "1" } }, spec: { selector: { a: "1", b: "2" } } },
      { metadata: { labels: { b: "2" } }, spec: { selector: { c: "3" } } },
    );
    expect(merged).toEqual({ metadata: { labels: { a: "1", b: "2" } }, spec: { selector: { c: "3" } } });
  });

  it("removes fields and items, and the maps they leave empty", () => {
    const obj = {
      metadata: { name: "p", labels: { a: "1" } },
      spec: { containers: [{ name: "a" }, { name: "b", image: "b" }] },
    };
    const out = removeItems(
      pod,
      obj,
      FieldSet.of(
        ["f:metadata", "f:labels", "f:a"],
        ["f:spec", "f:containers", keyElement({ name: "a" })],
        ["f:spec", "f:containers", keyElement({ name: "b" }), "f:image"],
      ),
    );
    expect(out).toEqual({ metadata: { name: "p" }, spec: { containers: [{ name: "b" }] } });
  });
});
