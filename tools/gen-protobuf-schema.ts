/**
 * Regenerates schema.json, the message schema decode.ts decodes Kubernetes protobuf bodies with.
 *
 * schema.json is derived wire-format data, not a copy of the Kubernetes sources: the message names,
 * field names, numbers, types, labels and map key types of the Kubernetes API types, as a protobufjs
 * JSON descriptor (the shape of `Root.toJSON()`, loaded with `protobuf.Root.fromJSON`). It is derived
 * from the `generated.proto` files of k8s.io/api and k8s.io/apimachinery v0.32.13 (Apache-2.0) and
 * holds only the messages decode.ts can reach:
 * - every message of the API packages in decode.ts's `apiFolders` with a `metadata` field of type
 *   ObjectMeta (the kinds kubectl creates, and subresource kinds such as Scale, Binding, Eviction),
 * - the meta/v1 kinds every group version registers (Status, WatchEvent, the *Options types),
 * - runtime.Unknown, the envelope of every protobuf body,
 * and every message their fields refer to. Comments and options are left out; each message keeps
 * `edition: "proto2"`, which decides field presence and repeated-field encoding in protobufjs.
 *
 * The .proto files are read straight from bare clones of the two repositories:
 *
 *   node tools/gen-protobuf-schema.ts /work/.mirror/kubernetes+api/repo \
 *     /work/.mirror/kubernetes+apimachinery/repo v0.32.13
 *
 * Run gen-go-fields.ts afterwards: it covers exactly the messages in schema.json.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { apiFolders } from "../kube/protobuf/decode.ts";

const [apiRepo = "", machineryRepo = "", tag = ""] = process.argv.slice(2);
if (!apiRepo || !machineryRepo || !tag) {
  throw new Error("usage: gen-protobuf-schema.ts <k8s.io/api repo> <k8s.io/apimachinery repo> <tag>");
}

const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";
/** Kinds of meta/v1 that metav1.AddToGroupVersion (and each API package for Status) registers. */
const metaKinds = [
  "Status",
  "WatchEvent",
  "ListOptions",
  "GetOptions",
  "DeleteOptions",
  "CreateOptions",
  "UpdateOptions",
  "PatchOptions",
];

const git = (repo: string, ...args: string[]) =>
  execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });

/** The full schema of the API packages and the apimachinery packages they import. */
function loadProtos(): protobuf.Root {
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const load = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    const [, module, path] = /^k8s\.io\/(api|apimachinery)\/(.+)$/.exec(file) ?? [];
    if (!path) throw new Error(`import of ${file}: not in k8s.io/api or k8s.io/apimachinery`);
    const source = git(module === "api" ? apiRepo : machineryRepo, "show", `${tag}:${path}`);
    const parsed = protobuf.parse(source, root, { keepCase: true });
    for (const imported of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) load(imported);
  };
  for (const folder of Object.values(apiFolders)) load(`k8s.io/api/${folder}/generated.proto`);
  root.resolveAll();
  return root;
}

const types = (namespace: protobuf.NamespaceBase): protobuf.Type[] =>
  namespace.nestedArray.flatMap((child) => [
    ...(child instanceof protobuf.Type ? [child] : []),
    ...(child instanceof protobuf.Namespace ? types(child) : []), // a Type is a Namespace too
  ]);

const full = loadProtos();
const objectMeta = full.lookupType(`${meta}.ObjectMeta`);
const apiPackages = new Set(
  Object.values(apiFolders).map((folder) => `.k8s.io.api.${folder.replace("/", ".")}`),
);
const kinds = [
  full.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown"),
  ...metaKinds.map((kind) => full.lookupType(`${meta}.${kind}`)),
  ...types(full).filter(
    (type) =>
      apiPackages.has(type.parent?.fullName ?? "") && type.fields.metadata?.resolvedType === objectMeta,
  ),
];

// Every message reachable from the kinds through their fields.
const keep = new Set<protobuf.Type>();
const visit = (type: protobuf.Type) => {
  if (keep.has(type)) return;
  keep.add(type);
  for (const field of type.fieldsArray) {
    if (field.resolvedType instanceof protobuf.Type) visit(field.resolvedType);
    else if (field.resolvedType) throw new Error(`${field.fullName}: enums are not handled`);
  }
};
for (const kind of kinds) visit(kind);

/** A message as protobufjs JSON: its edition and its fields' label, map key type, type and number. */
function typeJSON(type: protobuf.Type): protobuf.IType & { edition?: string } {
  const { edition, options, oneofs, nested, extensions, group, fields } = type.toJSON() as protobuf.IType & {
    edition?: string;
    options?: unknown;
    nested?: unknown;
    group?: boolean;
  };
  if (oneofs || nested || extensions || group || (options && Object.keys(options).length > 0)) {
    throw new Error(`${type.fullName}: oneofs, nested types, extensions, groups and options are not handled`);
  }
  const compact: Record<string, protobuf.IField & { keyType?: string }> = {};
  for (const [name, field] of Object.entries(fields)) {
    const { rule, keyType, type: fieldType, id, ...rest } = field as protobuf.IField & { keyType?: string };
    const unexpected = Object.keys(rest).filter((key) => key !== "comment");
    if (unexpected.length > 0) {
      throw new Error(`${type.fullName}.${name}: ${unexpected.join(", ")} not handled`);
    }
    compact[name] = { ...(rule && { rule }), ...(keyType && { keyType }), type: fieldType, id };
  }
  return { ...(edition && { edition }), fields: compact };
}

/** The kept messages of a namespace, in the .proto files' order, and the namespaces holding any. */
function pruned(namespace: protobuf.NamespaceBase): Record<string, protobuf.AnyNestedObject> | undefined {
  const nested: Record<string, protobuf.AnyNestedObject> = {};
  for (const child of namespace.nestedArray) {
    if (child instanceof protobuf.Type) {
      if (keep.has(child)) nested[child.name] = typeJSON(child);
    } else if (child instanceof protobuf.Namespace) {
      const inner = pruned(child);
      if (inner) nested[child.name] = { nested: inner };
    }
  }
  return Object.keys(nested).length > 0 ? nested : undefined;
}

const schema = {
  $comment: `Derived wire-format data (message and field names, numbers, types), generated by tools/gen-protobuf-schema.ts from k8s.io/api and k8s.io/apimachinery ${tag} (Apache-2.0). Do not edit.`,
  nested: pruned(full),
};

// The schema must describe the kept messages exactly as the .proto files do.
const reloaded = protobuf.Root.fromJSON(schema);
const describe = (type: protobuf.Type) =>
  JSON.stringify(
    type.fieldsArray.map((field) => [
      field.name,
      field.id,
      field.rule,
      field instanceof protobuf.MapField ? field.keyType : undefined,
      field.resolvedType?.fullName ?? field.type,
      field.packed,
      field.hasPresence,
    ]),
  );
for (const type of keep) {
  if (describe(reloaded.lookupType(type.fullName)) !== describe(type)) {
    throw new Error(`${type.fullName}: differs after the round trip through JSON`);
  }
}

/**
 * JSON laid out as biome formats it (so `biome check` passes): an object on one line when it fits in
 * the 110 columns, else one member per line.
 */
function format(value: unknown, indent = "", lead = 0, trail = 0): string {
  const inline = (item: unknown): string => {
    if (typeof item !== "object" || item === null) return JSON.stringify(item);
    const members = Object.entries(item).map(([key, member]) => `${JSON.stringify(key)}: ${inline(member)}`);
    return members.length > 0 ? `{ ${members.join(", ")} }` : "{}";
  };
  const line = inline(value);
  if (typeof value !== "object" || value === null || indent.length + lead + line.length + trail <= 110) {
    return line;
  }
  const entries = Object.entries(value);
  const inner = `${indent}  `;
  const members = entries.map(([key, item], i) => {
    const name = `${JSON.stringify(key)}: `;
    return `${inner}${name}${format(item, inner, name.length, i < entries.length - 1 ? 1 : 0)}`;
  });
  return `{\n${members.join(",\n")}\n${indent}}`;
}

const text = `${format(schema)}\n`;
const file = join(import.meta.dirname, "..", "kube", "protobuf", "schema.json");
writeFileSync(file, text);
console.log(
  `${file}: ${keep.size} message types (${kinds.length} kinds) of ${types(full).length}, ${text.length} bytes`,
);
