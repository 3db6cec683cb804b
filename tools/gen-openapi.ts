/**
 * Regenerates kube/openapi/definitions.json: the OpenAPI schema of every message of schema.json,
 * derived from the Go sources of k8s.io/api and k8s.io/apimachinery by the rules of kube-openapi's
 * openapi-gen (pkg/generators/openapi.go), so that /openapi/v2 and /openapi/v3 describe the kinds
 * as a real API server does: `kubectl explain` reads the descriptions, client-side validation and
 * client-side apply read the types and the x-kubernetes-* extensions.
 *
 * What is carried over, per struct: its doc comment as `description` (openapi-gen's formatting:
 * paragraphs kept, indented lines kept as lines, markers, TODOs and everything after `---`
 * dropped), `type: object`, `properties` named by the JSON tags (embedded `json:",inline"` structs
 * merged in, metav1.TypeMeta's kind and apiVersion for kinds), `required` (fields without
 * omitempty or `+optional`, or with `+required`), and the extensions of the comment markers
 * (`+patchMergeKey`, `+patchStrategy`, `+listType`, `+listMapKey`, `+mapType`, `+structType`).
 * `+enum` string types add their values (`enum`) and "Possible enum values" to the description.
 * Types with their own JSON form (Time, Quantity, IntOrString, RawExtension, FieldsV1) get the
 * schema their Go OpenAPI methods give. Group-version-kind extensions are added where the
 * documents are served (kube/openapi/), which knows the group versions served.
 *
 * Also writes kube/openapi/gnostic-v2.json, the protobuf descriptor of gnostic's OpenAPI v2
 * Document (google/gnostic-models openapiv2/OpenAPIv2.proto), which kubectl 1.20 to 1.28 read
 * /openapi/v2 as.
 *
 * With k8s.io/apiextensions-apiserver at the same tag, its v1 package too (CustomResourceDefinition
 * and the JSONSchemaProps it holds), parsed from its generated.proto into the same root, so that
 * `kubectl explain crd` finds the kind; its definitions are named as the API server names them
 * (io.k8s.apiextensions-apiserver.…), and its kinds are listed in `kinds` (no decoder knows them).
 *
 *   node tools/gen-openapi.ts /work/.mirror/kubernetes+api/repo \
 *     /work/.mirror/kubernetes+apimachinery/repo v0.32.13 /work/.mirror/google+gnostic-models/repo \
 *     /work/.mirror/kubernetes+apiextensions-apiserver/repo
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { loadRoot } from "../kube/protobuf/decode.ts";
import { type ApiField, type ApiMessage, type EnumValue, readApiSources } from "./go-api-source.ts";

const [apiRepo, machineryRepo, tag, gnosticRepo, apiextensionsRepo] = process.argv.slice(2);
if (!apiRepo || !machineryRepo || !tag || !gnosticRepo) {
  throw new Error(
    "usage: gen-openapi.ts <k8s.io/api repo> <k8s.io/apimachinery repo> <tag> <gnostic-models repo> [<k8s.io/apiextensions-apiserver repo>]",
  );
}

/** The packages beyond k8s.io/api and apimachinery, parsed into the decoder's root (this process only). */
const apiextensions = apiextensionsRepo
  ? {
      protoPackage: "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1",
      repo: apiextensionsRepo,
      tag,
      dir: "pkg/apis/apiextensions/v1",
    }
  : null;
if (apiextensions) {
  const source = execFileSync(
    "git",
    ["-C", apiextensions.repo, "show", `${tag}:${apiextensions.dir}/generated.proto`],
    { encoding: "utf8" },
  );
  protobuf.parse(source, loadRoot(), { keepCase: true });
  loadRoot().resolveAll();
}

const { messages, enums, fieldDocs, typeDocs } = readApiSources(
  apiRepo,
  machineryRepo,
  tag,
  apiextensions ? [apiextensions] : [],
);

const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";
const machinery = "k8s.io.apimachinery.pkg";

/** An OpenAPI schema object, as JSON. */
type Schema = Record<string, unknown>;

/**
 * The OpenAPI name of a message: the Go package path reversed ("io.k8s.api.core.v1.Pod"), the
 * module's own spelling kept ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON").
 */
const definitionName = (protoName: string) =>
  `io.k8s.${protoName.replace(/^k8s\.io\./, "").replace(/^apiextensions_apiserver\./, "apiextensions-apiserver.")}`;

const apiextensionsV1 = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1";
const ref = (protoName: string) => ({ $ref: `#/definitions/${definitionName(protoName)}` });

/** Types whose Go OpenAPISchemaType/Format (and OpenAPIV3OneOfTypes) give their schema. */
const customTypes: Record<string, { v2: Schema; v3OneOf?: string[] }> = {
  [`${meta}.Time`]: { v2: { type: "string", format: "date-time" } },
  [`${meta}.MicroTime`]: { v2: { type: "string", format: "date-time" } },
  [`${meta}.FieldsV1`]: { v2: { type: "object" } },
  [`${machinery}.runtime.RawExtension`]: { v2: { type: "object" } },
  [`${machinery}.api.resource.Quantity`]: { v2: { type: "string" }, v3OneOf: ["string", "number"] },
  [`${machinery}.util.intstr.IntOrString`]: {
    v2: { type: "string", format: "int-or-string" },
    v3OneOf: ["integer", "string"],
  },
  // Any JSON value, and the schema-or-something values: OpenAPISchemaType gives no type.
  [`${apiextensionsV1}.JSON`]: { v2: {} },
  [`${apiextensionsV1}.JSONSchemaPropsOrArray`]: { v2: {} },
  [`${apiextensionsV1}.JSONSchemaPropsOrBool`]: { v2: {} },
  [`${apiextensionsV1}.JSONSchemaPropsOrStringArray`]: { v2: {} },
};

/** openapi-gen's generateDescription: Go doc comment lines to one description. */
function description(lines: readonly string[]): string | undefined {
  let out = "";
  const dropLast = () => {
    out = out.slice(0, -1);
  };
  for (const raw of lines) {
    if (raw === "---") break;
    const line = raw.replace(/ +$/, "");
    const leading = line.replace(/^ +/, "");
    if (line.length === 0) {
      dropLast();
      out += "\n\n";
    } else if (leading.startsWith("TODO") || leading.startsWith("+")) {
      // one-line TODOs and markers are not documentation
    } else if (line.startsWith(" ") || line.startsWith("\t")) {
      dropLast();
      out += `\n${line}\n`;
    } else out += `${line} `;
  }
  const text = out.trim();
  return text || undefined;
}

/** kube-openapi's enumValue.Description: one " - `"value"` comment" line per value. */
function enumLines(values: readonly EnumValue[]): string[] {
  const byValue = new Map<string, { name: string; comment: string }>();
  for (const v of values) {
    const comment = v.doc.join(" ");
    const existing = byValue.get(v.value);
    // The longest comment wins, as addIfNotPresent keeps it.
    if (
      !existing ||
      existing.comment.length < comment.length ||
      (existing.comment.length === comment.length && existing.comment > comment)
    )
      byValue.set(v.value, { name: v.name, comment });
  }
  if (!byValue.size) return [];
  const lines = [...byValue].map(([value, { name, comment }]) => {
    const text = comment
      .trim()
      .replace(new RegExp(`^${name}`), "")
      .trim()
      .replace(/\s+/g, " ");
    return ` - \`${JSON.stringify(value)}\` ${text}`;
  });
  return ["", "Possible enum values:", ...lines.sort()];
}

/** The `+enum` type a field's Go type names (itself, or its elements), if any. */
function enumOf(message: ApiMessage, field: ApiField): EnumValue[] | undefined {
  const element = field.goType
    .replace(/^\*/, "")
    .replace(/^\[\]/, "")
    .replace(/^map\[\w+\]/, "");
  if (element.includes(".")) return undefined;
  const pkg = message.name.slice(0, message.name.lastIndexOf("."));
  return enums.get(`${pkg}.${element}`);
}

const scalars: Record<string, Schema> = {
  string: { type: "string" },
  bytes: { type: "string", format: "byte" },
  bool: { type: "boolean" },
  int32: { type: "integer", format: "int32" },
  int64: { type: "integer", format: "int64" },
  uint32: { type: "integer", format: "int32" },
  uint64: { type: "integer", format: "int64" },
  double: { type: "number", format: "double" },
  float: { type: "number", format: "float" },
};

/** The schema of one value of a proto field's type (an element for repeated and map fields). */
function valueSchema(proto: protobuf.Field, enumValues?: EnumValue[]): Schema {
  const resolved = proto.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const name = resolved.fullName.slice(1);
    const target = messages.get(name);
    // A Go slice type (`type ExtraValue []string`) is an array, not a reference.
    if (target?.goSlice) {
      const items = target.proto.fields.items;
      if (!items) throw new Error(`${name}: a Go slice without items`);
      return { type: "array", items: valueSchema(items) };
    }
    return ref(name);
  }
  const scalar = scalars[proto.type];
  if (!scalar) throw new Error(`${proto.fullName}: no OpenAPI type for ${proto.type}`);
  const values = enumValues && [...new Set(enumValues.map((v) => v.value))].sort();
  return values?.length ? { ...scalar, enum: values } : { ...scalar };
}

/** openapi-gen's extensions of a member's or a type's comment markers. */
function extensions(markers: ApiField["markers"], struct: boolean): Schema {
  const out: Schema = {};
  const one = (name: string) => markers.get(name);
  const set = (marker: string, extension: string, alwaysArray = false) => {
    const values = one(marker);
    if (!values?.length) return;
    out[extension] = values.length > 1 || alwaysArray ? [...values] : values[0];
  };
  if (struct) set("structType", "x-kubernetes-map-type");
  else {
    set("listMapKey", "x-kubernetes-list-map-keys", true);
    set("listType", "x-kubernetes-list-type");
    set("mapType", "x-kubernetes-map-type");
    set("patchMergeKey", "x-kubernetes-patch-merge-key");
    set("patchStrategy", "x-kubernetes-patch-strategy");
  }
  return out;
}

/** openapi-gen's isOptional: `+optional`, else not `+required` and omitempty. */
function optional(field: ApiField): boolean {
  if (field.markers.has("optional")) return true;
  if (field.markers.has("required")) return false;
  return field.omitempty;
}

function propertySchema(message: ApiMessage, field: ApiField): Schema {
  const proto = field.proto;
  const enumValues = enumOf(message, field);
  const doc = description([...field.doc, ...(enumValues ? enumLines(enumValues) : [])]);
  const value = valueSchema(proto, proto.repeated || proto.map ? undefined : enumValues);
  let schema: Schema;
  if (proto.map) schema = { type: "object", additionalProperties: valueSchema(proto, enumValues) };
  else if (proto.repeated) schema = { type: "array", items: valueSchema(proto, enumValues) };
  else schema = value;
  return { ...(doc ? { description: doc } : {}), ...schema, ...extensions(field.markers, false) };
}

/** The properties and required names of a struct, embedded structs merged in (openapi-gen's generateMembers). */
function members(message: ApiMessage, properties: Record<string, Schema>, required: string[]): void {
  if (message.typeMeta) {
    for (const name of ["kind", "apiVersion"]) {
      const doc = description(fieldDocs.get(`${meta}.TypeMeta.${name}`) ?? []);
      properties[name] = { ...(doc ? { description: doc } : {}), type: "string" };
    }
  }
  for (const field of message.fields) {
    if (field.skipped || field.markers.get("k8s:openapi-gen")?.includes("false")) continue;
    if (field.json === "") {
      const embedded = field.proto.resolvedType && messages.get(field.proto.resolvedType.fullName.slice(1));
      if (!embedded) throw new Error(`${message.name}.${field.goName}: embeds no known struct`);
      members(embedded, properties, required);
      continue;
    }
    if (!optional(field)) required.push(field.json);
    properties[field.json] = propertySchema(message, field);
  }
}

function definition(message: ApiMessage): Schema {
  const doc = description(message.doc);
  const custom = customTypes[message.name];
  if (custom) return { ...(doc ? { description: doc } : {}), ...custom.v2 };
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  members(message, properties, required);
  const sorted = Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    ...(doc ? { description: doc } : {}),
    type: "object",
    ...(Object.keys(sorted).length ? { properties: sorted } : {}),
    ...(required.length ? { required } : {}),
    ...extensions(message.markers, true),
  };
}

const definitions: Record<string, Schema> = {};
for (const message of [...messages.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
  if (message.goSlice) continue;
  definitions[definitionName(message.name)] = definition(message);
}
// The list kinds (PodList, …) have no message in schema.json, which holds what decoding needs:
// each is TypeMeta, a ListMeta and the items, documented in its Go declaration.
for (const message of messages.values()) {
  const listName = `${message.name}List`;
  const listDoc = typeDocs.get(listName);
  if (!message.typeMeta || !listDoc || messages.has(listName)) continue;
  const field = (json: string) => description(fieldDocs.get(`${listName}.${json}`) ?? []);
  const describe = (text: string | undefined) => (text ? { description: text } : {});
  const typeMeta = (name: string) => ({
    ...describe(description(fieldDocs.get(`${meta}.TypeMeta.${name}`) ?? [])),
    type: "string",
  });
  definitions[definitionName(listName)] = {
    ...describe(description(listDoc)),
    type: "object",
    properties: {
      apiVersion: typeMeta("apiVersion"),
      items: { ...describe(field("items")), type: "array", items: ref(message.name) },
      kind: typeMeta("kind"),
      metadata: { ...describe(field("metadata")), ...ref(`${meta}.ListMeta`) },
    },
    required: ["items"],
  };
}
// Kinds of the packages no decoder knows (typeMetaMessages cannot tell them): those embedding TypeMeta.
const kinds = [...messages.values()]
  .filter((m) => m.typeMeta && m.name.startsWith(apiextensionsV1))
  .map((m) => definitionName(m.name))
  .sort();
const v3OneOf = Object.fromEntries(
  Object.entries(customTypes)
    .filter(([, custom]) => custom.v3OneOf)
    .map(([name, custom]) => [definitionName(name), custom.v3OneOf]),
);

const dir = join(import.meta.dirname, "..", "kube", "openapi");
writeFileSync(
  join(dir, "definitions.json"),
  `${JSON.stringify(
    {
      $comment: `Generated by tools/gen-openapi.ts from the Go sources of k8s.io/api and k8s.io/apimachinery${apiextensions ? " (and k8s.io/apiextensions-apiserver's apiextensions/v1)" : ""} ${tag} (Apache-2.0). Do not edit.`,
      definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1))),
      v3OneOf,
      kinds,
    },
    null,
    1,
  )}\n`,
);

// gnostic's OpenAPI v2 messages, with the proto field names (keepCase) the encoder uses.
const gnosticProto = execFileSync("git", ["-C", gnosticRepo, "show", "HEAD:openapiv2/OpenAPIv2.proto"], {
  encoding: "utf8",
});
const parsed = protobuf.parse(gnosticProto, { keepCase: true, alternateCommentMode: false });
// The one import, google.protobuf.Any, as protobufjs carries the well-known types.
parsed.root.addJSON(protobuf.common.get("google/protobuf/any.proto")?.nested ?? {});
const gnosticCommit = execFileSync("git", ["-C", gnosticRepo, "rev-parse", "HEAD"], {
  encoding: "utf8",
}).trim();
writeFileSync(
  join(dir, "gnostic-v2.json"),
  `${JSON.stringify({
    $comment: `Generated by tools/gen-openapi.ts from google/gnostic-models ${gnosticCommit} openapiv2/OpenAPIv2.proto (Apache-2.0). Do not edit.`,
    ...parsed.root.toJSON(),
  })}\n`,
);
console.log(`${Object.keys(definitions).length} definitions`);
