import { stringify } from "yaml";
import { kindByApiVersionKind } from "../../../kube/kinds/index.ts";
import { storageResource } from "../../../kube/kinds/kind.ts";
import type { KubeObject } from "../../../kube/object.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";

/** The GraphQL type of each kind that has one; any other is a GenericObject. */
const typeOfKind: Record<string, string> = {
  Namespace: "Namespace",
  Node: "Node",
  Pod: "Pod",
  ReplicationController: "ReplicationController",
  ReplicaSet: "ReplicaSet",
  Deployment: "Deployment",
  Service: "Service",
  Secret: "Secret",
  ConfigMap: "ConfigMap",
  Event: "Event",
};

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The object as GraphQL shows it whole (yaml, json): a Secret without its values — `data`,
 * `stringData` and kubectl apply's copy of them — which only Secret.values gives, to the owner.
 */
export function shown(obj: KubeObject): KubeObject {
  if (obj.kind !== "Secret") return obj;
  const { data: _d, stringData: _s, ...rest } = obj;
  const { [lastApplied]: _a, ...annotations } = obj.metadata.annotations ?? {};
  return { ...rest, metadata: { ...obj.metadata, annotations } };
}

/** A string map as a list of key/value pairs, in key order. */
export function pairs(map: Record<string, string> | undefined | null): { key: string; value: string }[] {
  return Object.entries(map ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value: String(value) }));
}

/** The storage resource of an object's kind ("" for a kind the API does not serve). */
export function resourceOfObject(obj: KubeObject): string {
  const kind = kindByApiVersionKind(obj.apiVersion ?? "", obj.kind ?? "");
  return kind ? storageResource(kind) : "";
}

/** The fields every KubeObject type shares, for each type's resolvers to spread. */
export const objectFields = {
  id: (r: ObjectRef) => `${r.sandboxId}/${r.obj.metadata.uid ?? ""}`,
  apiVersion: (r: ObjectRef) => r.obj.apiVersion ?? "",
  kind: (r: ObjectRef) => r.obj.kind ?? "",
  name: (r: ObjectRef) => r.obj.metadata.name ?? "",
  namespace: (r: ObjectRef) => r.obj.metadata.namespace || null,
  uid: (r: ObjectRef) => r.obj.metadata.uid ?? "",
  resourceVersion: (r: ObjectRef) => r.obj.metadata.resourceVersion ?? "",
  createdAt: (r: ObjectRef) => r.obj.metadata.creationTimestamp ?? null,
  labels: (r: ObjectRef) => pairs(r.obj.metadata.labels),
  annotations: (r: ObjectRef) => pairs(shown(r.obj).metadata.annotations),
  owner: async (r: ObjectRef, _: unknown, ctx: GraphQLContext): Promise<ObjectRef | null> => {
    const ref = r.obj.metadata.ownerReferences?.find((o) => o.controller);
    const kind = ref && kindByApiVersionKind(ref.apiVersion, ref.kind);
    if (!ref || !kind) return null;
    const key = {
      sandboxId: r.sandboxId,
      resource: storageResource(kind),
      namespace: kind.namespaced ? (r.obj.metadata.namespace ?? "") : "",
      name: ref.name,
    };
    const owner = await ctx.loaders.object.load(key);
    // An owner of that name made anew is not this object's owner.
    return owner && owner.metadata.uid === ref.uid ? { ...r, obj: owner } : null;
  },
  events: async (r: ObjectRef, _: unknown, ctx: GraphQLContext): Promise<ObjectRef[]> => {
    if (!r.obj.metadata.uid) return [];
    const events = await ctx.loaders.events.load({ sandboxId: r.sandboxId, uid: r.obj.metadata.uid });
    return events.map((obj) => ({ ...r, obj }));
  },
  yaml: (r: ObjectRef) => stringify(shown(r.obj)),
  json: (r: ObjectRef) => JSON.stringify(shown(r.obj)),
};

/** KubeObject's concrete type, by the object's kind. */
export const KubeObjectType = {
  __resolveType: (r: ObjectRef) => typeOfKind[r.obj.kind ?? ""] ?? "GenericObject",
};

/** An object of a kind with no type of its own. */
export const GenericObject = { ...objectFields };
