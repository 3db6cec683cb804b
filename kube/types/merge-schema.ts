/**
 * The merge schema of the API types: the facts of patch-metadata.ts (generated from the Go
 * sources) as a tree that strategic merge patch (kube/patch/strategic-merge.ts) and server-side
 * apply (kube/fieldmanager/typed.ts) walk beside the JSON they merge. Each node answers what the
 * API server's schemas answer there: how a list merges under a strategic merge patch (the
 * patchStrategy and patchMergeKey struct tags), how server-side apply keys it (the
 * x-kubernetes-list-type that openapi-gen makes of +listType, or else of the patch tags, as
 * kube-openapi's schemaconv does), and which maps and structs are atomic.
 *
 * Built once, on first use, from the generated data (a few hundred types); a kind's walk then
 * costs a map lookup per field. Anything without facts (unknown kinds, unknown fields, the
 * fields of types with nothing to say) is untyped: maps merge by key, lists are replaced whole,
 * as for JSON the API server has no schema for.
 */
import { apiFolders } from "../protobuf/decode.ts";
import { type FieldFacts, messageFacts } from "./patch-metadata.ts";

/** How strategic merge patch merges a list: by a key field of its items, or as a set of scalars. */
export type ListStrategy = { merge: "key"; key: string } | { merge: "set" };

/**
 * How server-side apply treats a list: a map keyed by some fields of its items (with the
 * defaults of those fields), a set of scalars, or an atomic value owned and replaced whole.
 */
export type ListType =
  | { type: "map"; keys: readonly string[]; defaults?: Readonly<Record<string, unknown>> }
  | { type: "set" }
  | { type: "atomic" };

/** A Go struct: its fields with facts, and whether apply owns it whole. */
export interface StructSchema {
  kind: "struct";
  name: string;
  fields: ReadonlyMap<string, FieldSchema>;
  atomic: boolean;
  /** patchStrategy "replace": a strategic merge patch replaces it instead of merging. */
  replace?: boolean;
}

/** A Go map: the schema of its values, and whether apply owns it whole. */
export interface MapSchema {
  kind: "map";
  values: Schema;
  atomic: boolean;
  replace?: boolean;
}

/** A Go slice: its items, its strategic merge (undefined: replaced) and its apply list type. */
export interface ListSchema {
  kind: "list";
  items: Schema;
  strategy?: ListStrategy;
  listType: ListType;
}

/** JSON without a schema: maps merge by key (apply: granular), lists are replaced (apply: atomic). */
export interface UntypedSchema {
  kind: "untyped";
}

/** What the walks know about a value. */
export type Schema = StructSchema | MapSchema | ListSchema | UntypedSchema;

/** A struct field: its schema, and its value when Go always writes it (`{}` or `[]`). */
export interface FieldSchema {
  schema: Schema;
  present?: unknown;
}

/** The schema of what nothing is known about. */
export const untyped: UntypedSchema = { kind: "untyped" };

const atomicList: ListType = { type: "atomic" };
const setList: ListType = { type: "set" };
const emptyStruct = Object.freeze({});
const emptyList = Object.freeze([]);

const structs = new Map<string, StructSchema>();

/** The schema of a message by full proto name ("k8s.io.api.core.v1.PodSpec"); untyped when it has no facts. */
export function messageSchema(name: string): StructSchema | UntypedSchema {
  const cached = structs.get(name);
  if (cached) return cached;
  const facts = messageFacts[name];
  if (!facts) return untyped;
  const fields = new Map<string, FieldSchema>();
  const schema: StructSchema = { kind: "struct", name, fields, atomic: facts.atomic === true };
  // Cached before its fields are built: types may refer to themselves.
  structs.set(name, schema);
  const addFields = (message: string) => {
    const m = messageFacts[message];
    for (const embedded of m?.inline ?? []) addFields(embedded);
    for (const [json, f] of Object.entries(m?.fields ?? {})) fields.set(json, fieldSchema(f));
  };
  addFields(name);
  return schema;
}

function fieldSchema(f: FieldFacts): FieldSchema {
  const element = f.type ? messageSchema(f.type) : untyped;
  const schema: Schema =
    f.shape === "list"
      ? listSchema(f, element)
      : f.shape === "map"
        ? {
            kind: "map",
            values: element,
            atomic: f.mapType === "atomic",
            replace: f.patchStrategy === "replace",
          }
        : valueSchema(f, element);
  if (!f.present) return { schema };
  return { schema, present: f.shape === "list" ? emptyList : emptyStruct };
}

/** A struct field's schema: its type's, with the field's own +mapType and patchStrategy over it. */
function valueSchema(f: FieldFacts, element: StructSchema | UntypedSchema): Schema {
  if (element.kind !== "struct") return element;
  const atomic = f.mapType === undefined ? element.atomic : f.mapType === "atomic";
  const replace = f.patchStrategy === "replace";
  if (atomic === element.atomic && !replace) return element;
  return { ...element, atomic, replace };
}

function listSchema(f: FieldFacts, items: Schema): ListSchema {
  const strategies = f.patchStrategy?.split(",") ?? [];
  const strategy: ListStrategy | undefined = !strategies.includes("merge")
    ? undefined
    : f.patchMergeKey
      ? { merge: "key", key: f.patchMergeKey }
      : { merge: "set" };
  return { kind: "list", items, strategy, listType: applyListType(f, items) };
}

/** schemaconv's list type: +listType first, else a merge patch strategy (keyed or a set), else atomic. */
function applyListType(f: FieldFacts, items: Schema): ListType {
  if (f.listType === "atomic") return atomicList;
  if (f.listType === "set") return setList;
  if (f.listType === "map") return mapList(f.listMapKeys ?? [], items);
  const strategies = f.patchStrategy?.split(",") ?? [];
  if (!strategies.includes("merge")) return atomicList;
  return f.patchMergeKey ? mapList([f.patchMergeKey], items) : setList;
}

/** A list map, with the OpenAPI defaults of its key fields (ports' protocol: TCP). */
function mapList(keys: readonly string[], items: Schema): ListType {
  const defaults: Record<string, unknown> = {};
  if (items.kind === "struct")
    for (const key of keys) {
      const field = fieldFactsOf(items.name, key);
      if (field?.default !== undefined) defaults[key] = field.default;
    }
  return Object.keys(defaults).length ? { type: "map", keys, defaults } : { type: "map", keys };
}

function fieldFactsOf(message: string, json: string): FieldFacts | undefined {
  const m = messageFacts[message];
  const own = m?.fields?.[json];
  if (own) return own;
  for (const embedded of m?.inline ?? []) {
    const found = fieldFactsOf(embedded, json);
    if (found) return found;
  }
  return undefined;
}

const kinds = new Map<string, StructSchema | UntypedSchema>();

/** The schema of a kind's objects by apiVersion and kind; untyped for a kind without a message. */
export function kindSchema(apiVersion: string, kind: string): StructSchema | UntypedSchema {
  const id = `${apiVersion}/${kind}`;
  let schema = kinds.get(id);
  if (!schema) {
    const folder = apiFolders[apiVersion];
    schema = folder ? messageSchema(`k8s.io.api.${folder.replace("/", ".")}.${kind}`) : untyped;
    kinds.set(id, schema);
  }
  return schema;
}

/** The schema of the value at `key` of a struct or map. */
export function childSchema(schema: Schema, key: string): Schema {
  if (schema.kind === "struct") return schema.fields.get(key)?.schema ?? untyped;
  if (schema.kind === "map") return schema.values;
  return untyped;
}

/** The schema of a list's items. */
export function itemSchema(schema: Schema): Schema {
  return schema.kind === "list" ? schema.items : untyped;
}

/** The apply list type of a list (atomic when nothing is known). */
export function listTypeOf(schema: Schema): ListType {
  return schema.kind === "list" ? schema.listType : atomicList;
}

/** Whether apply owns a map or struct whole (x-kubernetes-map-type: atomic). */
export function isAtomic(schema: Schema): boolean {
  return (schema.kind === "struct" || schema.kind === "map") && schema.atomic;
}
