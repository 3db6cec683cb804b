/**
 * Regenerates kube/types/<group>-<version>.ts: TypeScript types for the JSON form of every message
 * of schema.json (the API types of the group versions in apiFolders, meta/v1 and the apimachinery
 * types they use), so that strategies, controllers and printers can read objects through typed
 * views: `import type { Pod, PodSpec, Container } from "../kube/types/core-v1.ts"`.
 *
 * Read from the Go sources of k8s.io/api and k8s.io/apimachinery (the same clones and tag as the
 * other generators): JSON names, embedded structs (an intersection with the embedded type),
 * omitempty and pointers. Only names and shapes are carried over, no documentation.
 *
 *   node tools/gen-api-types.ts /work/.mirror/kubernetes+api/repo \
 *     /work/.mirror/kubernetes+apimachinery/repo v0.32.13
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { typeMetaMessages } from "../kube/decode/go-types.ts";
import { apiFolders } from "../kube/protobuf/decode.ts";
import { type ApiField, type ApiMessage, readApiSources } from "./go-api-source.ts";

const [apiRepo, machineryRepo, tag] = process.argv.slice(2);
if (!apiRepo || !machineryRepo || !tag) {
  throw new Error("usage: gen-api-types.ts <k8s.io/api repo> <k8s.io/apimachinery repo> <tag>");
}

const { messages } = readApiSources(apiRepo, machineryRepo, tag);

const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";
const machinery = "k8s.io.apimachinery.pkg";

/** Types with their own JSON form (custom MarshalJSON), and what that form is. */
const specials: Record<string, { ts: string; doc: string }> = {
  [`${meta}.Time`]: {
    ts: "string",
    doc: 'metav1.Time: RFC 3339 to the second, in UTC ("2024-01-02T03:04:05Z").',
  },
  [`${meta}.MicroTime`]: {
    ts: "string",
    doc: 'metav1.MicroTime: RFC 3339 to the microsecond ("2024-01-02T03:04:05.000000Z").',
  },
  [`${meta}.FieldsV1`]: {
    ts: "Record<string, unknown>",
    doc: "metav1.FieldsV1: a managed field set as JSON.",
  },
  [`${machinery}.api.resource.Quantity`]: {
    ts: "string | number",
    doc: [
      'resource.Quantity: a string ("500m", "1Gi"), or a number when the client sent one (the decoder',
      "keeps it as sent; kube/quantity's canonicalQuantity gives the string the API server writes).",
    ].join("\n"),
  },
  [`${machinery}.util.intstr.IntOrString`]: {
    ts: "number | string",
    doc: 'intstr.IntOrString: an int32 or a string ("80", "http", "25%").',
  },
  [`${machinery}.runtime.RawExtension`]: { ts: "unknown", doc: "runtime.RawExtension: any JSON value." },
};

/** The file of a proto package: "k8s.io.api.core.v1" → "core-v1", meta/v1 → "meta-v1". */
function fileOf(pkg: string): string {
  if (pkg === meta) return "meta-v1";
  if (pkg.startsWith(`${machinery}.`)) return "apimachinery";
  const api = /^k8s\.io\.api\.(\w+)\.(\w+)$/.exec(pkg);
  if (!api) throw new Error(`${pkg}: no file for this package`);
  return `${api[1]}-${api[2]}`;
}

/** What a file's header says of its package. */
function describe(file: string): string {
  if (file === "apimachinery") return "the apimachinery types outside meta/v1 (runtime, resource, intstr)";
  if (file === "meta-v1") return "meta/v1 (k8s.io/apimachinery/pkg/apis/meta/v1)";
  const [group, version] = file.split("-");
  return `${group}/${version} (k8s.io/api/${group}/${version})`;
}

const apiVersions = new Map(Object.entries(apiFolders).map(([apiVersion, folder]) => [folder, apiVersion]));

const packageOf = (name: string) => name.slice(0, name.lastIndexOf("."));
const shortName = (name: string) => name.slice(name.lastIndexOf(".") + 1);
/** A message's Go package, as apiFolders names it: "core/v1", "apimachinery/pkg/apis/meta/v1". */
const goPackage = (name: string) =>
  packageOf(name)
    .replace(/^k8s\.io\.(api\.)?/, "")
    .replaceAll(".", "/");

const scalarTypes: Record<string, string> = {
  string: "string",
  bytes: "string",
  bool: "boolean",
  int32: "number",
  int64: "number",
  uint32: "number",
  uint64: "number",
  double: "number",
  float: "number",
};

/** One generated file: its types in order and the names it imports from other files. */
interface Output {
  body: string[];
  imports: Map<string, Map<string, string>>;
  local: Set<string>;
}

const outputs = new Map<string, Output>();
const outputOf = (file: string): Output => {
  let out = outputs.get(file);
  if (!out) {
    out = { body: [], imports: new Map(), local: new Set() };
    outputs.set(file, out);
  }
  return out;
};
for (const message of messages.values())
  outputOf(fileOf(packageOf(message.name))).local.add(shortName(message.name));

/** How `file` names a message: its own name, or an alias when another type there has that name. */
function refer(file: string, name: string): string {
  const target = fileOf(packageOf(name));
  const short = shortName(name);
  if (target === file) return short;
  const out = outputOf(file);
  const fromTarget = out.imports.get(target) ?? new Map<string, string>();
  out.imports.set(target, fromTarget);
  const existing = fromTarget.get(short);
  if (existing) return existing;
  const taken = (alias: string) =>
    out.local.has(alias) || [...out.imports.values()].some((names) => [...names.values()].includes(alias));
  const prefix = target
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  const alias = taken(short) ? `${prefix}${short}` : short;
  if (taken(alias)) throw new Error(`${file}: cannot name ${name}`);
  fromTarget.set(short, alias);
  return alias;
}

function fieldType(file: string, field: ApiField): string {
  const proto = field.proto;
  const resolved = proto.resolvedType;
  const base =
    resolved instanceof protobuf.Type ? refer(file, resolved.fullName.slice(1)) : scalarTypes[proto.type];
  if (!base) throw new Error(`${proto.fullName}: no TypeScript type for ${proto.type}`);
  if (proto.map) return `Record<string, ${base}>`;
  if (proto.repeated) return `${base}[]`;
  // A metav1.Time held by value is a struct, which omitempty never leaves out: Go writes its zero
  // value as null (a condition's `lastProbeTime: null`, a template's `creationTimestamp: null`).
  const time = resolved?.fullName === `.${meta}.Time` || resolved?.fullName === `.${meta}.MicroTime`;
  if (time && !field.pointer) return `${base} | null`;
  return base;
}

/**
 * Go always writes a non-pointer scalar without omitempty (its zero value included); every other
 * field may be absent from the JSON the store holds: omitempty ones, pointers, slices and maps
 * (nil ones are null), structs (the decoder keeps what was sent, and Go's `{}` is not added).
 */
function required(field: ApiField): boolean {
  const proto = field.proto;
  return (
    !field.omitempty &&
    !field.pointer &&
    !proto.repeated &&
    !proto.map &&
    !proto.resolvedType &&
    proto.type !== "bytes"
  );
}

/** A doc comment, on one line when it fits. */
const docComment = (text: string) =>
  text.includes("\n") ? `/**\n${text.replace(/^/gm, " * ")}\n */` : `/** ${text} */`;

const property = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

function typeDecl(file: string, message: ApiMessage): string {
  const name = shortName(message.name);
  const goName = `${goPackage(message.name)}.${name}`;
  const special = specials[message.name];
  if (special) return `${docComment(special.doc)}\nexport type ${name} = ${special.ts};`;
  if (message.goSlice) {
    const items = message.proto.fields.items;
    if (!items?.repeated) throw new Error(`${message.name}: a Go slice without repeated items`);
    return `/** ${goName}: a list. */\nexport type ${name} = ${scalarTypes[items.type] ?? items.type}[];`;
  }
  const members: string[] = [];
  const kind = typeMetaMessages.has(message.name);
  if (kind) {
    const apiVersion = apiVersions.get(goPackage(message.name));
    members.push(
      `apiVersion?: ${apiVersion ? JSON.stringify(apiVersion) : "string"};`,
      `kind?: ${apiVersion ? JSON.stringify(name) : "string"};`,
    );
  }
  const embedded: string[] = [];
  for (const field of message.fields) {
    if (field.skipped) continue;
    const type = fieldType(file, field);
    if (field.json === "") {
      embedded.push(type);
      continue;
    }
    const objectMeta = field.proto.resolvedType?.fullName === `.${meta}.ObjectMeta`;
    const optional = !required(field) && !(kind && field.json === "metadata" && objectMeta);
    members.push(`${property(field.json)}${optional ? "?" : ""}: ${type};`);
  }
  const doc = kind ? `/** ${goName}: a kind. */` : `/** ${goName} */`;
  const literal = members.length ? `{\n${members.join("\n")}\n}` : "Record<string, never>";
  const parts = [...embedded, ...(members.length || !embedded.length ? [literal] : [])];
  return `${doc}\nexport type ${name} = ${parts.join(" & ")};`;
}

for (const message of messages.values()) {
  const file = fileOf(packageOf(message.name));
  outputOf(file).body.push(typeDecl(file, message));
}

const dir = join(import.meta.dirname, "..", "kube", "types");
const written: string[] = [];
for (const [file, out] of [...outputs].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const imports = [...out.imports]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([from, names]) => {
      const list = [...names]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, alias]) => (name === alias ? name : `${name} as ${alias}`));
      return `import type { ${list.join(", ")} } from "./${from}.ts";`;
    });
  const path = join(dir, `${file}.ts`);
  writeFileSync(
    path,
    `// Generated by tools/gen-api-types.ts from the Go sources of k8s.io/api and k8s.io/apimachinery ${tag}
// (Apache-2.0): names and shapes only. Do not edit.
//
// The JSON form of ${describe(file)},
// one type per Go struct. A field is optional unless Go always writes it (a scalar held by value
// without omitempty); a kind's metadata is required, as the store always has it. Embedded structs
// (json:",inline") are intersected in; int and float types are numbers, []byte a base64 string,
// maps Record<string, T>. Types rather than interfaces, so that they are assignable to KubeObject.
${imports.length ? `\n${imports.join("\n")}\n` : ""}
${out.body.join("\n\n")}
`,
  );
  written.push(path);
}
execFileSync(
  join(import.meta.dirname, "..", "node_modules", ".bin", "biome"),
  ["format", "--write", ...written],
  {
    stdio: "inherit",
  },
);
console.log(`${messages.size} types in ${written.length} files`);
