import { describe, expect, expectTypeOf, it } from "vitest";
import type { KubeObject } from "../../kube/object.ts";
import type { Deployment } from "../../kube/types/apps-v1.ts";
import type { Container, Pod, Service } from "../../kube/types/core-v1.ts";
import {
  childSchema,
  isAtomic,
  itemSchema,
  kindSchema,
  type ListStrategy,
  type ListType,
  type Schema,
} from "../../kube/types/merge-schema.ts";
import { messageFacts } from "../../kube/types/patch-metadata.ts";

/** The schema at a dotted path of a kind ("spec.containers.ports": lists stand for their items). */
function at(apiVersion: string, kind: string, path: string): Schema {
  let s: Schema = kindSchema(apiVersion, kind);
  for (const key of path.split(".")) s = childSchema(s.kind === "list" ? itemSchema(s) : s, key);
  return s;
}

const list = (s: Schema): { strategy?: ListStrategy; listType?: ListType } =>
  s.kind === "list" ? { strategy: s.strategy, listType: s.listType } : {};

describe("generated patch metadata: known facts of the 1.32 API types", () => {
  it("PodSpec.containers: merge by name, a list map keyed by name, always present", () => {
    expect(messageFacts["k8s.io.api.core.v1.PodSpec"]?.fields?.containers).toMatchObject({
      shape: "list",
      type: "k8s.io.api.core.v1.Container",
      patchStrategy: "merge",
      patchMergeKey: "name",
      listType: "map",
      listMapKeys: ["name"],
      present: true,
    });
  });

  const lists: [string, string, string, string, ListStrategy | undefined, ListType][] = [
    [
      "container ports: merge by containerPort; apply keys containerPort and protocol, TCP by default",
      "v1",
      "Pod",
      "spec.containers.ports",
      { merge: "key", key: "containerPort" },
      { type: "map", keys: ["containerPort", "protocol"], defaults: { protocol: "TCP" } },
    ],
    [
      "service ports: merge by port; apply keys port and protocol, TCP by default",
      "v1",
      "Service",
      "spec.ports",
      { merge: "key", key: "port" },
      { type: "map", keys: ["port", "protocol"], defaults: { protocol: "TCP" } },
    ],
    [
      "pod conditions: merge and key by type",
      "v1",
      "Pod",
      "status.conditions",
      { merge: "key", key: "type" },
      { type: "map", keys: ["type"] },
    ],
    [
      "container statuses: no patch strategy, atomic for apply",
      "v1",
      "Pod",
      "status.containerStatuses",
      undefined,
      { type: "atomic" },
    ],
    ["node taints: replaced, atomic", "v1", "Node", "spec.taints", undefined, { type: "atomic" }],
    ["node podCIDRs: a set both ways", "v1", "Node", "spec.podCIDRs", { merge: "set" }, { type: "set" }],
    [
      "finalizers: a set both ways, in any kind's metadata",
      "apps/v1",
      "Deployment",
      "metadata.finalizers",
      { merge: "set" },
      { type: "set" },
    ],
    [
      "spread constraints: merge by topologyKey, apply keys topologyKey and whenUnsatisfiable",
      "apps/v1",
      "Deployment",
      "spec.template.spec.topologySpreadConstraints",
      { merge: "key", key: "topologyKey" },
      { type: "map", keys: ["topologyKey", "whenUnsatisfiable"] },
    ],
    [
      "owner references: merge and key by uid",
      "v1",
      "ConfigMap",
      "metadata.ownerReferences",
      { merge: "key", key: "uid" },
      { type: "map", keys: ["uid"] },
    ],
    [
      "job conditions: merged by type, yet atomic for apply",
      "batch/v1",
      "Job",
      "status.conditions",
      { merge: "key", key: "type" },
      { type: "atomic" },
    ],
    [
      "volumes (merge,retainKeys): merge and key by name",
      "batch/v1",
      "CronJob",
      "spec.jobTemplate.spec.template.spec.volumes",
      { merge: "key", key: "name" },
      { type: "map", keys: ["name"] },
    ],
    [
      "endpoint slice endpoints: replaced, atomic",
      "discovery.k8s.io/v1",
      "EndpointSlice",
      "endpoints",
      undefined,
      { type: "atomic" },
    ],
  ];
  for (const [name, apiVersion, kind, path, strategy, listType] of lists)
    it(name, () => expect(list(at(apiVersion, kind, path))).toEqual({ strategy, listType }));

  const atomics: [string, string, string, string, boolean][] = [
    ["a label selector is atomic", "apps/v1", "Deployment", "spec.selector", true],
    ["a service's selector map is atomic", "v1", "Service", "spec.selector", true],
    ["node selectors are atomic", "v1", "Pod", "spec.nodeSelector", true],
    ["an owner reference is atomic", "v1", "Pod", "metadata.ownerReferences", true],
    ["env value references are atomic", "v1", "Pod", "spec.containers.env.valueFrom.secretKeyRef", true],
    ["labels are granular", "v1", "Pod", "metadata.labels", false],
    [
      "a PV's claimRef is granular (+structType on the field)",
      "v1",
      "PersistentVolume",
      "spec.claimRef",
      false,
    ],
  ];
  for (const [name, apiVersion, kind, path, atomic] of atomics)
    it(name, () => {
      const s = at(apiVersion, kind, path);
      expect(isAtomic(s.kind === "list" ? itemSchema(s) : s)).toBe(atomic);
    });

  it("knows which fields Go always writes: structs held by value and lists without omitempty", () => {
    const present = (apiVersion: string, kind: string, path: string) => {
      const parent = path.includes(".") ? at(apiVersion, kind, path.slice(0, path.lastIndexOf("."))) : null;
      const s = parent ?? kindSchema(apiVersion, kind);
      const key = path.slice(path.lastIndexOf(".") + 1);
      return s.kind === "struct" ? s.fields.get(key)?.present : undefined;
    };
    expect(present("apps/v1", "Deployment", "spec.template")).toEqual({});
    expect(present("v1", "ReplicationController", "spec.template")).toBeUndefined();
    expect(present("v1", "Pod", "spec.containers")).toEqual([]);
    expect(present("v1", "Pod", "spec.initContainers")).toBeUndefined();
    expect(present("discovery.k8s.io/v1", "EndpointSlice", "endpoints")).toEqual([]);
  });

  it("sees the fields of embedded structs (a volume's sources) as the type's own", () => {
    expect(at("v1", "Pod", "spec.volumes.configMap.items")).toMatchObject({ kind: "list" });
    expect(isAtomic(at("v1", "Pod", "spec.ephemeralContainers.env.valueFrom.configMapKeyRef"))).toBe(true);
  });
});

describe("generated API types", () => {
  it("are assignable to KubeObject, and say what Go always writes", () => {
    expectTypeOf<Pod>().toExtend<KubeObject>();
    expectTypeOf<Deployment>().toExtend<KubeObject>();
    expectTypeOf<Service["apiVersion"]>().toEqualTypeOf<"v1" | undefined>();
    expectTypeOf<Container["name"]>().toEqualTypeOf<string>();
    expectTypeOf<Container["image"]>().toEqualTypeOf<string | undefined>();
  });
});
