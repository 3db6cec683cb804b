/**
 * Regenerates go-types.ts: the Go type of each field of the messages in schema.json, as Go's
 * reflect prints it in encoding/json's errors ("v1.PullPolicy", "v1.ResourceList", "types.UID"),
 * where that differs from what the proto type alone gives ("string", "[]v1.Container", ...).
 * Also which message fields are Go pointers (`*IntOrString` takes `null` as unset, a value
 * field as its zero value), and which messages embed metav1.TypeMeta (apiVersion and kind).
 *
 * Reads the Go sources of the packages of schema.json from bare clones of k8s.io/api and
 * k8s.io/apimachinery; go-types.ts holds only derived facts (field names and type names).
 *
 *   node tools/gen-go-types.ts /work/.mirror/kubernetes+api/repo \
 *     /work/.mirror/kubernetes+apimachinery/repo v0.32.13
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { defaultGoType } from "../kube/decode/go-type-names.ts";
import { loadRoot } from "../kube/protobuf/decode.ts";

const [apiRepo, machineryRepo, tag] = process.argv.slice(2);
if (!apiRepo || !machineryRepo || !tag) {
  throw new Error("usage: gen-go-types.ts <k8s.io/api repo> <k8s.io/apimachinery repo> <tag>");
}

const git = (repo: string, ...args: string[]) =>
  execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });

const root = loadRoot();
const types = (namespace: protobuf.NamespaceBase): protobuf.Type[] =>
  namespace.nestedArray.flatMap((child) => [
    ...(child instanceof protobuf.Type ? [child] : []),
    ...(child instanceof protobuf.Namespace ? types(child) : []),
  ]);
const packages = new Set(types(root).map((type) => type.parent?.fullName.slice(1) ?? ""));

/** A Go import path's package name: its last element ("k8s.io/api/core/v1" → "v1"). */
const packageName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

interface GoField {
  field: protobuf.Field;
  id: string;
  expr: string;
  /** The file's import aliases → package names, and the field's own package name. */
  imports: Map<string, string>;
  pkg: string;
}

/** Named non-struct types, by "pkg.Name": their underlying type expression and its package context. */
const named = new Map<string, { expr: string; imports: Map<string, string>; pkg: string }>();
const fields: GoField[] = [];
/** Messages embedding metav1.TypeMeta: their JSON has apiVersion and kind. */
const typeMeta: string[] = [];

for (const protoPackage of packages) {
  const [, module, path] = /^k8s\.io\.(api|apimachinery)\.(.+)$/.exec(protoPackage) ?? [];
  if (!path) throw new Error(`package ${protoPackage}: not in k8s.io/api or k8s.io/apimachinery`);
  const [repo, dir] = [module === "api" ? apiRepo : machineryRepo, path.replaceAll(".", "/")];
  const pkg = packageName(dir);
  const goFiles = git(repo, "ls-tree", "--name-only", `${tag}:${dir}`)
    .split("\n")
    .filter((name) => name.endsWith(".go") && !name.endsWith("_test.go") && !name.endsWith(".pb.go"));
  for (const goFile of goFiles) {
    const source = git(repo, "show", `${tag}:${dir}/${goFile}`);
    const imports = new Map<string, string>();
    for (const m of source.matchAll(/^\s*(?:(\w+)\s+)?"([\w./-]+)"$/gm)) {
      const importPath = m[2] ?? "";
      imports.set(m[1] ?? packageName(importPath), packageName(importPath));
    }
    let message: protobuf.Type | undefined;
    for (const line of source.split("\n")) {
      const typeDecl = /^type (\w+) (.+)$/.exec(line);
      if (typeDecl) {
        const [, name = "", rest = ""] = typeDecl;
        const found = rest.startsWith("struct {") && root.lookup(`${protoPackage}.${name}`);
        message = found instanceof protobuf.Type ? found : undefined;
        if (!rest.startsWith("struct") && !rest.startsWith("interface"))
          named.set(`${pkg}.${name}`, { expr: rest.trim(), imports, pkg });
        continue;
      }
      if (message && /^\s+(?:metav1\.|v1\.)?TypeMeta\s+`json:",inline"`/.test(line))
        typeMeta.push(message.fullName.slice(1));
      const field = /^\s+(?:\w+\s+)?(\*?[\w.[\]*]+)\s+`(.*)`/.exec(line);
      const number = /protobuf:"\w+,(\d+)/.exec(field?.[2] ?? "")?.[1];
      if (!message || !field || !number) continue;
      const protoField = message.fieldsById[Number(number)];
      if (!protoField) throw new Error(`${message.fullName} field ${number}: not in schema.json`);
      protoField.resolve();
      const id = `${message.fullName.slice(1)}.${protoField.name}`;
      fields.push({ field: protoField, id, expr: field[1] ?? "", imports, pkg });
    }
  }
}

const builtins: Record<string, string> = { byte: "uint8" };

/** reflect.Type.String() of a Go type expression written in package `pkg`. */
function typeString(expr: string, imports: Map<string, string>, pkg: string): string {
  if (expr.startsWith("*")) return `*${typeString(expr.slice(1), imports, pkg)}`;
  if (expr.startsWith("[]")) return `[]${typeString(expr.slice(2), imports, pkg)}`;
  const map = /^map\[([\w.]+)\](.+)$/.exec(expr);
  if (map) return `map[${typeString(map[1] ?? "", imports, pkg)}]${typeString(map[2] ?? "", imports, pkg)}`;
  const qualified = /^(\w+)\.(\w+)$/.exec(expr);
  if (qualified) return `${imports.get(qualified[1] ?? "") ?? qualified[1]}.${qualified[2]}`;
  if (/^[a-z]/.test(expr)) return builtins[expr] ?? expr;
  return `${pkg}.${expr}`;
}

/** The element type of a slice or map type string, following a named type to its underlying type. */
function elementOf(type: string): string | undefined {
  const bare = type.replace(/^\*/, "");
  if (bare.startsWith("[]")) return bare.slice(2);
  const map = /^map\[[\w.]+\](.+)$/.exec(bare);
  if (map) return map[1];
  const decl = named.get(bare);
  return decl && elementOf(typeString(decl.expr, decl.imports, decl.pkg));
}

const overrides: string[] = [];
const pointers: string[] = [];
for (const { field, id, expr, imports, pkg } of fields) {
  const full = typeString(expr, imports, pkg);
  if (full.startsWith("*") && field.resolvedType) pointers.push(id);
  const type = full.replace(/^\*/, "");
  const element = field.repeated || field.map ? elementOf(type)?.replace(/^\*/, "") : undefined;
  if ((field.repeated || field.map) && !element) throw new Error(`${id}: no element type in ${full}`);
  const fallback = defaultGoType(field);
  if (type !== fallback.type || element !== fallback.element)
    overrides.push(`  "${id}": ${JSON.stringify(element === undefined ? [type] : [type, element])},`);
}

writeFileSync(
  join(import.meta.dirname, "..", "kube", "decode", "go-types.ts"),
  `// Derived data (field names and Go type names), generated by gen-go-types.ts from the Go sources of
// k8s.io/api and k8s.io/apimachinery ${tag} (Apache-2.0) for the messages in schema.json. Do not edit.
// Fields are named by the full proto message name, a dot and the proto field name.

/**
 * The Go type of a field as encoding/json's errors print it (pointer removed), and of its elements
 * for a slice or map, where they differ from what the proto type gives (go-type-names.ts).
 */
export const goTypeOverrides: Readonly<Record<string, readonly string[]>> = {
${overrides.sort().join("\n")}
};

/** Message fields that are Go pointers: JSON \`null\` leaves them unset instead of decoding a zero value. */
export const pointerFields: ReadonlySet<string> = new Set([
${pointers
  .sort()
  .map((id) => `  "${id}",`)
  .join("\n")}
]);

/** Messages embedding metav1.TypeMeta, whose JSON carries apiVersion and kind. */
export const typeMetaMessages: ReadonlySet<string> = new Set([
${typeMeta
  .sort()
  .map((id) => `  "${id}",`)
  .join("\n")}
]);
`,
);
console.log(
  `${fields.length} fields, ${overrides.length} overrides, ${pointers.length} pointers, ${typeMeta.length} kinds`,
);
