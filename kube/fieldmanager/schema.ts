import { isPlainObject } from "../object.ts";
import { listStrategy } from "../patch/strategic-merge.ts";
import { keyElement, type PathElement, valueElement } from "./path.ts";

/**
 * How server-side apply treats a list (the OpenAPI x-kubernetes-list-type): a map keyed by
 * some fields of its items, a set of scalars, or an atomic value owned and replaced whole.
 */
export type ListType =
  | { type: "map"; keys: string[]; defaults?: Record<string, unknown> }
  | { type: "set" }
  | { type: "atomic" };

const podSpecs = ["spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec"];
const containerLists = ["containers", "initContainers", "ephemeralContainers"];

function underPodSpecs(paths: string[]): string[] {
  return podSpecs.flatMap((p) => paths.map((s) => `${p}.${s}`));
}

/**
 * Where the list-map keys of server-side apply differ from the strategic-merge key: ports are
 * keyed by port and protocol (TCP when left out), spread constraints by two fields, and some
 * lists that strategic merge merges are atomic for apply.
 */
const listOverrides: Record<string, ListType> = {
  ...Object.fromEntries(
    underPodSpecs(containerLists.map((c) => `${c}.ports`)).map((p) => [
      p,
      { type: "map", keys: ["containerPort", "protocol"], defaults: { protocol: "TCP" } },
    ]),
  ),
  ...Object.fromEntries(
    underPodSpecs(["topologySpreadConstraints"]).map((p) => [
      p,
      { type: "map", keys: ["topologyKey", "whenUnsatisfiable"] },
    ]),
  ),
  "spec.ports": { type: "map", keys: ["port", "protocol"], defaults: { protocol: "TCP" } },
  "spec.podCIDRs": { type: "set" },
  "status.containerStatuses": { type: "atomic" },
  "status.initContainerStatuses": { type: "atomic" },
  subsets: { type: "atomic" },
};

/** The apply list type of the list at a dotted path (list indexes left out). */
export function listTypeOf(path: string): ListType {
  const override = listOverrides[path];
  if (override) return override;
  const s = listStrategy(path);
  if (s?.merge === "key") return { type: "map", keys: [s.key] };
  if (s?.merge === "set") return { type: "set" };
  return { type: "atomic" };
}

/**
 * Maps and structs that apply owns and replaces whole (x-kubernetes-map-type: atomic): label
 * selectors, the selector maps of services and controllers, node selectors, the key
 * references of env values, and owner references.
 */
const atomicMaps = new Set([
  "spec.selector",
  "spec.jobTemplate.spec.selector",
  "metadata.ownerReferences",
  "secrets",
  "imagePullSecrets",
  ...underPodSpecs([
    "nodeSelector",
    "imagePullSecrets",
    ...containerLists.flatMap((c) =>
      ["configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef"].map(
        (r) => `${c}.env.valueFrom.${r}`,
      ),
    ),
  ]),
]);

/** Whether the map (or the items of the list) at a dotted path is atomic. */
export function isAtomicMap(path: string): boolean {
  return atomicMaps.has(path);
}

/**
 * Fields that are Go structs held by value: the API server's typed objects always carry them
 * (as `{}` when empty), so they are never added or removed themselves, only what they hold.
 * That is why a create's managedFields show `f:spec` without `".": {}` but `f:labels` with it.
 */
const valueStructs = new Set([
  "metadata",
  "spec",
  "status",
  "spec.template",
  "spec.template.metadata",
  "spec.template.spec",
  "spec.jobTemplate",
  "spec.jobTemplate.metadata",
  "spec.jobTemplate.spec",
  "spec.jobTemplate.spec.template",
  "spec.jobTemplate.spec.template.metadata",
  "spec.jobTemplate.spec.template.spec",
  "spec.strategy",
  "spec.updateStrategy",
  "spec.resources",
  "status.loadBalancer",
  "status.nodeInfo",
  "status.daemonEndpoints",
  "status.daemonEndpoints.kubeletEndpoint",
  ...underPodSpecs(containerLists.map((c) => `${c}.resources`)),
]);

/** Lists without `omitempty` in their Go type: present (as null) even when empty. */
const alwaysPresentLists = new Set(underPodSpecs(["containers"]));

/**
 * The value a field has in the kind's Go type when JSON leaves it out but its parent is there:
 * `{}` for a struct held by value, `[]` for a list always serialized; undefined otherwise.
 */
export function presentDefault(kind: string, path: string): unknown {
  // A ReplicationController's template is a pointer, unlike the apps controllers'.
  if (kind === "ReplicationController" && path === "spec.template") return undefined;
  if (valueStructs.has(path)) return {};
  if (alwaysPresentLists.has(path)) return [];
  return undefined;
}

/**
 * The path element of a list item (listItemToPathElement): its key fields for a list map (a
 * missing key takes its default, or is an error), its value for a set.
 */
export function itemElement(list: ListType, item: unknown, path: string): PathElement {
  if (list.type === "set") return valueElement(item);
  if (list.type !== "map") throw new Error(`${path}: atomic lists have no item elements`);
  if (!isPlainObject(item))
    throw new Error(`.${path}: associative list with keys has an element that is not a map`);
  const key: Record<string, unknown> = {};
  for (const k of list.keys) {
    const v = item[k] ?? list.defaults?.[k];
    if (v === undefined)
      throw new Error(
        `.${path}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
      );
    key[k] = v;
  }
  return keyElement(key);
}
