/**
 * Regenerates kube/types/patch-metadata.ts: how each API type merges, per message and JSON field,
 * from the Go sources of k8s.io/api and k8s.io/apimachinery (the same facts the API server reads
 * from the struct tags for strategic merge patch, and openapi-gen turns into the
 * x-kubernetes-* extensions that server-side apply's schema is built from):
 * - the struct tags patchStrategy and patchMergeKey;
 * - the markers +listType, +listMapKey, +mapType and +structType (on fields and on types);
 * - +default values (`ref(Name)` resolved to the constant's value);
 * - presence: fields Go always writes (structs held by value as `{}`; slices and maps without
 *   omitempty as `null`), which the typed values of server-side apply always hold;
 * - the element type of each list and map, and the type of each struct field, as far as the
 *   type has anything to say; embedded (inline) structs by name.
 * Scalar fields with nothing to say, and types with nothing to say, are left out.
 *
 * Covers every message of schema.json (run gen-protobuf-schema.ts first):
 *
 *   node tools/gen-patch-metadata.ts /work/.mirror/kubernetes+api/repo \
 *     /work/.mirror/kubernetes+apimachinery/repo v0.32.13
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { type ApiField, type ApiMessage, marker, readApiSources } from "./go-api-source.ts";

const [apiRepo, machineryRepo, tag] = process.argv.slice(2);
if (!apiRepo || !machineryRepo || !tag) {
  throw new Error("usage: gen-patch-metadata.ts <k8s.io/api repo> <k8s.io/apimachinery repo> <tag>");
}

const { messages, constants } = readApiSources(apiRepo, machineryRepo, tag);
const ignored: string[] = [];

/** Types with their own JSON form: scalars in JSON, whatever their Go struct holds. */
const scalars = new Set([
  "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
  "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
  "k8s.io.apimachinery.pkg.api.resource.Quantity",
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
]);
/** Any JSON, owned whole by server-side apply (schemaconv maps RawExtension to an untyped atomic). */
const rawExtension = "k8s.io.apimachinery.pkg.runtime.RawExtension";
/** Any JSON object (FieldsV1): nothing to say. */
const untyped = new Set(["k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1"]);

interface FieldFacts {
  shape?: "list" | "map";
  type?: string;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
  present?: true;
  default?: unknown;
}

interface MessageFacts {
  atomic?: true;
  inline?: string[];
  fields?: Record<string, FieldFacts>;
}

/** The message a field holds (or its items or map values hold), when it is a struct in JSON. */
function structOf(field: ApiField): ApiMessage | undefined {
  const type = field.proto.resolvedType;
  if (!(type instanceof protobuf.Type)) return undefined;
  const name = type.fullName.slice(1);
  if (scalars.has(name) || untyped.has(name)) return undefined;
  const message = messages.get(name);
  if (!message) throw new Error(`${field.proto.fullName}: no Go declaration for ${name}`);
  return message.goSlice ? undefined : message;
}

/** A +default value: a JSON literal, or ref(Name) naming a string constant of the package. */
function defaultValue(message: ApiMessage, text: string): unknown {
  const ref = /^ref\((\w+)\)$/.exec(text);
  if (!ref) return JSON.parse(text);
  const pkg = message.name.slice(0, message.name.lastIndexOf("."));
  const value = constants.get(`${pkg}.${ref[1]}`);
  if (value === undefined) throw new Error(`${message.name}: +default=${text}: no such constant`);
  return value;
}

const single = (value: string | undefined, allowed: string[], where: string) => {
  if (value !== undefined && !allowed.includes(value)) throw new Error(`${where}: unexpected value ${value}`);
  return value;
};

/** The facts of one field, leaving out the type reference (decided once every message is known). */
function fieldFacts(message: ApiMessage, field: ApiField): FieldFacts {
  const where = `${message.name}.${field.json}`;
  const facts: FieldFacts = {};
  const proto = field.proto;
  if (proto.map) facts.shape = "map";
  else if (proto.repeated) facts.shape = "list";
  const struct = structOf(field);
  if (field.patchStrategy)
    facts.patchStrategy = single(
      field.patchStrategy,
      ["merge", "retainKeys", "merge,retainKeys", "replace"],
      `${where} patchStrategy`,
    );
  if (field.patchMergeKey) facts.patchMergeKey = field.patchMergeKey;
  const listType = single(marker(field.markers, "listType"), ["atomic", "set", "map"], `${where} +listType`);
  // Ignored, as openapi-gen ignores it, on what is not a list in JSON ([]byte is a base64 string;
  // metav1.Status.details carries a stray one).
  if (listType && facts.shape) facts.listType = listType;
  else if (listType) ignored.push(`${where}: +listType=${listType} on a field that is not a list`);
  const keys = field.markers.get("listMapKey");
  if (keys) {
    if (listType !== "map") throw new Error(`${where}: +listMapKey without +listType=map`);
    facts.listMapKeys = [...keys];
  } else if (listType === "map") throw new Error(`${where}: +listType=map without +listMapKey`);
  const mapType = [marker(field.markers, "mapType"), marker(field.markers, "structType")].filter(
    (v) => v !== undefined,
  );
  if (mapType.length > 1) throw new Error(`${where}: both +mapType and +structType`);
  if (mapType[0]) facts.mapType = single(mapType[0], ["atomic", "granular"], `${where} +mapType`);
  // Go's encoding/json writes a struct held by value even with omitempty, and a nil slice or
  // map without omitempty as null: typed values always have them.
  if (
    (struct && struct.name !== rawExtension && !facts.shape && !field.pointer) ||
    (facts.shape && !field.omitempty)
  )
    facts.present = true;
  const text = marker(field.markers, "default");
  if (text !== undefined) facts.default = defaultValue(message, text);
  return facts;
}

// Which messages have something to say: their own markers, a field with facts, or a field
// holding such a message. Decided to a fixed point, since messages refer to each other.
const raw = new Map<string, { atomic: boolean; inline: string[]; fields: [ApiField, FieldFacts][] }>();
for (const message of messages.values()) {
  if (message.goSlice || scalars.has(message.name) || untyped.has(message.name)) continue;
  const structType = single(
    marker(message.markers, "structType") ?? marker(message.markers, "mapType"),
    ["atomic", "granular"],
    `${message.name} +structType`,
  );
  const inline: string[] = [];
  const fields: [ApiField, FieldFacts][] = [];
  if (message.name !== rawExtension)
    for (const field of message.fields) {
      if (field.skipped) continue;
      if (field.json === "") {
        const embedded = structOf(field);
        if (!embedded) throw new Error(`${message.name}.${field.goName}: embeds a non-struct`);
        inline.push(embedded.name);
        continue;
      }
      fields.push([field, fieldFacts(message, field)]);
    }
  raw.set(message.name, { atomic: structType === "atomic" || message.name === rawExtension, inline, fields });
}

const kept = new Set<string>();
for (let changed = true; changed; ) {
  changed = false;
  for (const [name, m] of raw) {
    if (kept.has(name)) continue;
    const says =
      m.atomic ||
      m.inline.some((i) => kept.has(i)) ||
      m.fields.some(([field, facts]) => {
        const struct = structOf(field);
        return Object.keys(facts).some((k) => k !== "shape") || (struct && kept.has(struct.name));
      });
    if (says) {
      kept.add(name);
      changed = true;
    }
  }
}

const out: Record<string, MessageFacts> = {};
for (const name of [...kept].sort()) {
  const m = raw.get(name);
  if (!m) continue;
  const facts: MessageFacts = {};
  if (m.atomic) facts.atomic = true;
  const inline = m.inline.filter((i) => kept.has(i));
  if (inline.length) facts.inline = inline;
  const fields: Record<string, FieldFacts> = {};
  for (const [field, f] of m.fields) {
    const struct = structOf(field);
    const { shape, ...rest } = f;
    const withType: FieldFacts = {
      ...(shape && { shape }),
      ...(struct && kept.has(struct.name) && { type: struct.name }),
      ...rest,
    };
    if (Object.keys(withType).some((k) => k !== "shape")) fields[field.json] = withType;
  }
  if (Object.keys(fields).length) facts.fields = fields;
  out[name] = facts;
}

const file = join(import.meta.dirname, "..", "kube", "types", "patch-metadata.ts");
writeFileSync(
  file,
  `// Derived data (type and field names, patch tags and markers), generated by tools/gen-patch-metadata.ts
// from the Go sources of k8s.io/api and k8s.io/apimachinery ${tag} (Apache-2.0) for the messages in
// schema.json. Do not edit. Types are named by their full proto message name.

/** What a field's Go declaration says about merging it. */
export interface FieldFacts {
  /** A Go slice or map; absent for a single value. */
  readonly shape?: "list" | "map";
  /** The message held (by the field, its items or its map values), when it has facts of its own. */
  readonly type?: string;
  /** The patchStrategy struct tag: how strategic merge patch merges the field. */
  readonly patchStrategy?: "merge" | "retainKeys" | "merge,retainKeys" | "replace";
  /** The patchMergeKey struct tag: the field of the items that identifies them. */
  readonly patchMergeKey?: string;
  /** +listType: how server-side apply treats the list (x-kubernetes-list-type). */
  readonly listType?: "atomic" | "set" | "map";
  /** +listMapKey: the fields keying a list map (x-kubernetes-list-map-keys). */
  readonly listMapKeys?: readonly string[];
  /** +mapType or +structType on the field (x-kubernetes-map-type), over the type's own. */
  readonly mapType?: "atomic" | "granular";
  /** Go always writes it (a struct held by value as {}, a slice or map without omitempty as null). */
  readonly present?: true;
  /** +default: the value the OpenAPI schema gives a field left out. */
  readonly default?: unknown;
}

/** What a type's Go declaration says about merging it. */
export interface MessageFacts {
  /** +structType=atomic: server-side apply owns and replaces it whole (x-kubernetes-map-type). */
  readonly atomic?: true;
  /** Embedded structs (\`json:",inline"\`) whose fields are this type's own. */
  readonly inline?: readonly string[];
  /** Fields (by JSON name) with something to say; the others are scalars merged as values. */
  readonly fields?: Readonly<Record<string, FieldFacts>>;
}

/**
 * The types with something to say about merging, by full proto name. A type left out (and the
 * fields of a type left out) merges as untyped JSON: maps by key, lists replaced whole.
 */
export const messageFacts: Readonly<Record<string, MessageFacts>> = ${JSON.stringify(out)};
`,
);
execFileSync(join(import.meta.dirname, "..", "node_modules", ".bin", "biome"), ["format", "--write", file], {
  stdio: "inherit",
});
const fieldCount = Object.values(out).reduce((n, m) => n + Object.keys(m.fields ?? {}).length, 0);
console.log(`markers ignored:\n  ${ignored.join("\n  ")}`);
console.log(`${file}: ${kept.size} of ${messages.size} types, ${fieldCount} fields`);
