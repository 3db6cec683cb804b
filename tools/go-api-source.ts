/**
 * Reads the Go structs behind the messages of schema.json from bare clones of k8s.io/api and
 * k8s.io/apimachinery, for the generators that derive facts from them (gen-api-types.ts,
 * gen-patch-metadata.ts): each field's JSON tag, Go type, patch tags and comment markers
 * (`+listType=map`, `+listMapKey=...`, `+mapType=atomic`, `+default=...`), each type's own
 * markers (`+structType=atomic`), and the string constants `+default=ref(Name)` may name.
 *
 * Go fields are matched to proto fields by their protobuf tag number, as gen-go-fields.ts does.
 * Markers are read from the comment block right above a field or type declaration, as gengo
 * reads them; so is the doc comment (gen-openapi.ts makes the OpenAPI descriptions of it), with
 * the typed string constants of `+enum` types and their comments.
 */
import { execFileSync } from "node:child_process";
import protobuf from "protobufjs";
import { loadRoot } from "../kube/protobuf/decode.ts";

/** Comment markers by name ("listMapKey" → ["containerPort", "protocol"]), in source order. */
export type Markers = ReadonlyMap<string, readonly string[]>;

/** One field of a Go struct that has a proto field. */
export interface ApiField {
  /** The proto field, resolved. */
  proto: protobuf.Field;
  goName: string;
  /** The Go type as written ("*metav1.LabelSelector", "[]Container", "map[string]string"). */
  goType: string;
  /** The JSON name: "" for an embedded struct (`json:",inline"`), the Go name without a tag. */
  json: string;
  /** `json:"-"`: never in JSON. */
  skipped: boolean;
  omitempty: boolean;
  pointer: boolean;
  /** The struct tags patchStrategy and patchMergeKey. */
  patchStrategy?: string;
  patchMergeKey?: string;
  markers: Markers;
  /** The doc comment's lines, as go/ast's CommentGroup.Text gives them (markers included). */
  doc: readonly string[];
}

/** A message of schema.json with its Go declaration. */
export interface ApiMessage {
  /** Full proto name without the leading dot: "k8s.io.api.core.v1.PodSpec". */
  name: string;
  proto: protobuf.Type;
  /** The Go type is a slice (`type ExtraValue []string`): its JSON is the `items` array. */
  goSlice: boolean;
  markers: Markers;
  /** The doc comment's lines (markers included). */
  doc: readonly string[];
  /** Embeds metav1.TypeMeta (`json:",inline"`, no protobuf tag): its JSON has kind and apiVersion first. */
  typeMeta: boolean;
  /** Fields in Go order; proto fields without a Go field are left out. */
  fields: ApiField[];
}

/** What readApiSources returns. */
export interface ApiSources {
  /** Every message of schema.json declared as a Go struct or slice, by full name. */
  messages: Map<string, ApiMessage>;
  /** String constants by proto package and name ("k8s.io.api.core.v1.AzureSharedBlobDisk" → "Shared"). */
  constants: Map<string, string>;
  /** Messages of schema.json without a Go declaration read here (custom types like Quantity, Time). */
  undeclared: string[];
  /**
   * The `+enum` string types by proto package and name ("k8s.io.api.core.v1.PullPolicy"), each
   * with its typed constants in source order: name, value and doc comment.
   */
  enums: Map<string, EnumValue[]>;
  /**
   * Doc comments of the fields of every struct, by proto package, struct and JSON name
   * ("k8s.io.apimachinery.pkg.apis.meta.v1.TypeMeta.kind"), including structs with no message.
   */
  fieldDocs: Map<string, readonly string[]>;
  /** Doc comments of every type declaration, by proto package and name, with or without a message. */
  typeDocs: Map<string, readonly string[]>;
}

/** One typed constant of an `+enum` type. */
export interface EnumValue {
  name: string;
  value: string;
  doc: readonly string[];
}

/** A comment line as go/ast's CommentGroup.Text keeps it: without `//` and the one space after it. */
function commentText(line: string): string {
  return line
    .trim()
    .replace(/^\/\/ ?/, "")
    .replace(/\s+$/, "");
}

/** The proto packages of schema.json, e.g. k8s.io.api.apps.v1. */
export function protoPackages(root: protobuf.Root): string[] {
  const types = (namespace: protobuf.NamespaceBase): protobuf.Type[] =>
    namespace.nestedArray.flatMap((child) => [
      ...(child instanceof protobuf.Type ? [child] : []),
      ...(child instanceof protobuf.Namespace ? types(child) : []),
    ]);
  return [...new Set(types(root).map((type) => type.parent?.fullName.slice(1) ?? ""))];
}

/** Every message type of schema.json. */
export function protoMessages(root: protobuf.Root): protobuf.Type[] {
  const types = (namespace: protobuf.NamespaceBase): protobuf.Type[] =>
    namespace.nestedArray.flatMap((child) => [
      ...(child instanceof protobuf.Type ? [child] : []),
      ...(child instanceof protobuf.Namespace && !(child instanceof protobuf.Type) ? types(child) : []),
    ]);
  return types(root);
}

const markerLine = /^\s*\/\/\s*\+([\w:.-]+)(?:=(.*?))?\s*$/;

function addMarker(markers: Map<string, string[]>, line: string): void {
  const m = markerLine.exec(line);
  if (!m?.[1]) return;
  const values = markers.get(m[1]) ?? [];
  values.push(m[2] ?? "");
  markers.set(m[1], values);
}

/**
 * A Go module beyond k8s.io/api and k8s.io/apimachinery whose proto package the caller added to
 * the root (k8s.io/apiextensions-apiserver's, for the OpenAPI of CustomResourceDefinitions).
 */
export interface MoreSource {
  /** "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1" */
  protoPackage: string;
  repo: string;
  tag: string;
  /** The package's folder in the repository: "pkg/apis/apiextensions/v1". */
  dir: string;
}

/**
 * Reads the Go declarations of the messages of schema.json at `tag` (and of the packages of
 * `more`, which the caller parsed into the root).
 */
export function readApiSources(
  apiRepo: string,
  machineryRepo: string,
  tag: string,
  more: readonly MoreSource[] = [],
): ApiSources {
  const git = (repo: string, ...args: string[]) =>
    execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const root = loadRoot();
  const messages = new Map<string, ApiMessage>();
  const constants = new Map<string, string>();
  const typedConstants = new Map<string, EnumValue[]>();
  const enumTypes = new Set<string>();
  const fieldDocs = new Map<string, readonly string[]>();
  const typeDocs = new Map<string, readonly string[]>();
  for (const protoPackage of protoPackages(root)) {
    const extra = more.find((m) => m.protoPackage === protoPackage);
    const [, module, path] = /^k8s\.io\.(api|apimachinery)\.(.+)$/.exec(protoPackage) ?? [];
    if (!path && !extra) throw new Error(`package ${protoPackage}: not in k8s.io/api or k8s.io/apimachinery`);
    const [repo, dir, at] = extra
      ? [extra.repo, extra.dir, extra.tag]
      : [module === "api" ? apiRepo : machineryRepo, (path as string).replaceAll(".", "/"), tag];
    const goFiles = git(repo, "ls-tree", "--name-only", `${at}:${dir}`)
      .split("\n")
      .filter((name) => name.endsWith(".go") && !name.endsWith("_test.go") && !name.endsWith(".pb.go"));
    for (const goFile of goFiles) {
      let message: ApiMessage | undefined;
      let struct: string | undefined;
      let comments = new Map<string, string[]>();
      let doc: string[] = [];
      let inConst = false;
      for (const line of git(repo, "show", `${at}:${dir}/${goFile}`).split("\n")) {
        if (/^\s*\/\//.test(line)) {
          addMarker(comments, line);
          doc.push(commentText(line));
          continue;
        }
        const markers = comments;
        comments = new Map();
        // CommentGroup.Text drops leading and trailing blank lines and Go directives.
        const docLines = doc.filter((text) => !/^(go:|line |export |extern )/.test(text));
        while (docLines[0] === "") docLines.shift();
        while (docLines.at(-1) === "") docLines.pop();
        doc = [];
        if (/^const \($/.test(line)) inConst = true;
        else if (inConst && /^\)$/.test(line)) inConst = false;
        const constant = (
          inConst ? /^\s+(\w+)\s+([\w.]+)\s*=\s*"([^"]*)"/ : /^const (\w+)\s+([\w.]+)\s*=\s*"([^"]*)"/
        ).exec(line);
        if (constant?.[1] && constant[2] && constant[3] !== undefined) {
          constants.set(`${protoPackage}.${constant[1]}`, constant[3]);
          const values = typedConstants.get(`${protoPackage}.${constant[2]}`) ?? [];
          values.push({ name: constant[1], value: constant[3], doc: docLines });
          typedConstants.set(`${protoPackage}.${constant[2]}`, values);
        }
        // `struct {` opens a struct; `struct{}` is one without fields (closed on the same line).
        const typeDecl = /^type (\w+) (struct \{|struct\{\}|\[\]|string$)?/.exec(line);
        if (typeDecl?.[1]) {
          if (typeDecl[2] === "string" && markers.has("enum"))
            enumTypes.add(`${protoPackage}.${typeDecl[1]}`);
          typeDocs.set(`${protoPackage}.${typeDecl[1]}`, docLines);
          struct = typeDecl[2] === "struct {" ? typeDecl[1] : undefined;
          const empty = typeDecl[2] === "struct{}";
          const found = typeDecl[2] && root.lookup(`${protoPackage}.${typeDecl[1]}`);
          message =
            found instanceof protobuf.Type
              ? {
                  name: found.fullName.slice(1),
                  proto: found,
                  goSlice: typeDecl[2] === "[]",
                  markers,
                  doc: docLines,
                  typeMeta: false,
                  fields: [],
                }
              : undefined;
          if (message) messages.set(message.name, message);
          if (empty) message = undefined;
          continue;
        }
        if (/^\}/.test(line)) {
          message = undefined;
          struct = undefined;
        }
        const field = /^\s+(?:(\w+)\s+)?(\*?[\w.[\]*]+)\s+`(.*)`/.exec(line);
        const tags = field?.[3] ?? "";
        const jsonTag = /json:"([^"]*)"/.exec(tags)?.[1];
        if (struct && field && jsonTag !== undefined)
          fieldDocs.set(`${protoPackage}.${struct}.${jsonTag.split(",")[0]}`, docLines);
        if (message && field && /^(metav1\.)?TypeMeta$/.test(field[2] ?? "") && jsonTag === ",inline")
          message.typeMeta = true;
        const number = /protobuf:"\w+,(\d+)/.exec(tags)?.[1];
        if (!message || !field || !number) continue;
        const proto = message.proto.fieldsById[Number(number)];
        if (!proto) throw new Error(`${message.name} field ${number}: not in schema.json`);
        proto.resolve();
        const goType = field[2] ?? "";
        const goName = field[1] ?? goType.replace(/^\*/, "").replace(/^\w+\./, "");
        const json = /json:"([^"]*)"/.exec(tags)?.[1];
        const [jsonName = goName, ...options] = json === undefined ? [] : json.split(",");
        message.fields.push({
          proto,
          goName,
          goType,
          json: json === undefined ? goName : jsonName,
          skipped: json === "-",
          omitempty: options.includes("omitempty"),
          pointer: goType.startsWith("*"),
          patchStrategy: /patchStrategy:"([^"]*)"/.exec(tags)?.[1],
          patchMergeKey: /patchMergeKey:"([^"]*)"/.exec(tags)?.[1],
          markers,
          doc: docLines,
        });
      }
    }
  }
  const undeclared = protoMessages(root)
    .map((type) => type.fullName.slice(1))
    .filter((name) => !messages.has(name));
  const enums = new Map([...enumTypes].map((name) => [name, typedConstants.get(name) ?? []]));
  return { messages, constants, undeclared, enums, fieldDocs, typeDocs };
}

/** The single value of a marker, or undefined; throws when a marker meant once is given twice. */
export function marker(markers: Markers, name: string): string | undefined {
  const values = markers.get(name);
  if (values && values.length > 1) throw new Error(`+${name} given ${values.length} times`);
  return values?.[0];
}
