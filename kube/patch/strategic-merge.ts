import { badRequest } from "../errors.ts";
import { isPlainObject } from "../object.ts";

/** How a list field merges under a strategic merge patch (the Go types' patchStrategy tags). */
export type ListStrategy = { merge: "key"; key: string } | { merge: "set" };

const podSpecLists: Record<string, ListStrategy> = {
  containers: { merge: "key", key: "name" },
  initContainers: { merge: "key", key: "name" },
  ephemeralContainers: { merge: "key", key: "name" },
  "containers.ports": { merge: "key", key: "containerPort" },
  "initContainers.ports": { merge: "key", key: "containerPort" },
  "containers.env": { merge: "key", key: "name" },
  "initContainers.env": { merge: "key", key: "name" },
  "containers.volumeMounts": { merge: "key", key: "mountPath" },
  "initContainers.volumeMounts": { merge: "key", key: "mountPath" },
  "containers.volumeDevices": { merge: "key", key: "devicePath" },
  volumes: { merge: "key", key: "name" },
  imagePullSecrets: { merge: "key", key: "name" },
  hostAliases: { merge: "key", key: "ip" },
  resourceClaims: { merge: "key", key: "name" },
  schedulingGates: { merge: "key", key: "name" },
  topologySpreadConstraints: { merge: "key", key: "topologyKey" },
};

/** Where a pod spec sits in the kinds that embed one. */
const podSpecPrefixes = ["spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec"];

/** List fields with a merge strategy, by dotted path (array indexes left out). Others replace. */
const listStrategies: Record<string, ListStrategy> = {
  "metadata.finalizers": { merge: "set" },
  "metadata.ownerReferences": { merge: "key", key: "uid" },
  "status.conditions": { merge: "key", key: "type" },
  "status.addresses": { merge: "key", key: "type" },
  "status.containerStatuses": { merge: "key", key: "name" },
  "status.initContainerStatuses": { merge: "key", key: "name" },
  "status.podIPs": { merge: "key", key: "ip" },
  "spec.ports": { merge: "key", key: "port" },
  "subsets.addresses": { merge: "key", key: "ip" },
  secrets: { merge: "key", key: "name" },
  imagePullSecrets: { merge: "key", key: "name" },
  "spec.template.metadata.finalizers": { merge: "set" },
  ...Object.fromEntries(
    podSpecPrefixes.flatMap((prefix) =>
      Object.entries(podSpecLists).map(([path, s]) => [`${prefix}.${path}`, s]),
    ),
  ),
};

/** The strategy of the list at `path`, or undefined when the list is replaced whole. */
export function listStrategy(path: string): ListStrategy | undefined {
  return listStrategies[path];
}

const setOrderPrefix = "$setElementOrder/";
const deleteFromPrefix = "$deleteFromPrimitiveList/";

type Json = unknown;
type JsonMap = Record<string, Json>;

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function sameKey(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Puts list items in the order `$setElementOrder` names; the rest keep their place after them. */
function reorder(list: Json[], order: Json[], strategy: ListStrategy | undefined): Json[] {
  const keyOf = (item: Json) =>
    strategy?.merge === "key" && isPlainObject(item) ? item[strategy.key] : item;
  const ordered: Json[] = [];
  const rest = [...list];
  for (const want of order) {
    const wantKey = strategy?.merge === "key" && isPlainObject(want) ? want[strategy.key] : want;
    const i = rest.findIndex((item) => sameKey(keyOf(item), wantKey));
    if (i >= 0) ordered.push(...rest.splice(i, 1));
  }
  return [...ordered, ...rest];
}

function mergeList(original: Json[], patch: Json[], strategy: ListStrategy, path: string): Json[] {
  if (strategy.merge === "set") {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => sameKey(o, v))) out.push(v);
    return out;
  }
  let out = [...original];
  const { key } = strategy;
  for (const item of patch) {
    if (!isPlainObject(item))
      throw badRequest(`unable to find api field in struct for the list ${path}: items must be objects`);
    const directive = item.$patch;
    if (directive === "replace") {
      // The list is replaced by the patch's items less the directive.
      return patch.filter((p) => !(isPlainObject(p) && p.$patch === "replace"));
    }
    const index = out.findIndex((o) => isPlainObject(o) && sameKey(o[key], item[key]));
    if (directive === "delete") {
      out = out.filter((o) => !(isPlainObject(o) && sameKey(o[key], item[key])));
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as JsonMap, item, path);
    else out.push(mergeMap({}, item, path));
  }
  return out;
}

/**
 * Applies a strategic merge patch to a map, as the API server's strategicpatch package does:
 * maps merge, `null` deletes, lists with a merge key merge by it, other lists replace; the
 * directives `$patch` (replace, delete), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` are honoured and never stored.
 */
export function mergeMap(original: JsonMap, patch: JsonMap, path = ""): JsonMap {
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return mergeMap({}, rest, path);
  }
  const out: JsonMap = { ...original };
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys") continue;
    if (k.startsWith(setOrderPrefix)) {
      if (Array.isArray(v)) orders.push([k.slice(setOrderPrefix.length), v]);
      continue;
    }
    if (k.startsWith(deleteFromPrefix)) {
      const field = k.slice(deleteFromPrefix.length);
      if (Array.isArray(out[field]) && Array.isArray(v))
        out[field] = (out[field] as Json[]).filter((x) => !v.some((d) => sameKey(d, x)));
      continue;
    }
    const childPath = join(path, k);
    if (v === null) {
      delete out[k];
    } else if (isPlainObject(v)) {
      if (v.$patch === "delete") delete out[k];
      else out[k] = mergeMap(isPlainObject(out[k]) ? (out[k] as JsonMap) : {}, v, childPath);
    } else if (Array.isArray(v)) {
      const strategy = listStrategy(childPath);
      out[k] =
        strategy && Array.isArray(out[k])
          ? mergeList(out[k] as Json[], v, strategy, childPath)
          : stripDirectives(v);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders)
    if (Array.isArray(out[field]))
      out[field] = reorder(out[field] as Json[], order, listStrategy(join(path, field)));
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

/** A replaced list or new item carries no directives into storage. */
function stripDirectives(list: Json[]): Json[] {
  return list.map((item) => (isPlainObject(item) ? mergeMap({}, item) : item));
}

/** Applies a strategic merge patch body to an object. */
export function applyStrategicMergePatch(current: JsonMap, patch: unknown): JsonMap {
  if (!isPlainObject(patch)) throw badRequest("the patch must be a JSON object");
  return mergeMap(structuredClone(current), patch);
}
