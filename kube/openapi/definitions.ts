import { typeMetaMessages } from "../decode/go-types.ts";
import { apiFolders } from "../protobuf/decode.ts";
import generated from "./definitions.json" with { type: "json" };

/** An OpenAPI schema object (v2 form: references are `#/definitions/<name>`). */
export type Schema = Record<string, unknown>;

/** A group-version-kind as the `x-kubernetes-group-version-kind` extension lists it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The generated definitions (tools/gen-openapi.ts), by OpenAPI name ("io.k8s.api.core.v1.Pod"). */
const all = generated.definitions as unknown as Record<string, Schema>;

/** Definitions whose OpenAPI v3 form is a oneOf of these types (Quantity, IntOrString). */
export const v3OneOf = generated.v3OneOf as unknown as Record<string, string[]>;

const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";

/**
 * Definitions no Go struct of the sources gives: the PATCH body, which the API server names so
 * (an object of any shape).
 */
const extra: Record<string, Schema> = {
  [`${meta}.Patch`]: {
    description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
    type: "object",
  },
};

/** The definitions' package of each group version served ("apps/v1" → io.k8s.api.apps.v1). */
const packages: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    Object.entries(apiFolders).map(([apiVersion, folder]) => [
      apiVersion,
      `io.k8s.api.${folder.replace("/", ".")}`,
    ]),
  ),
  "apiextensions.k8s.io/v1": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
};

/** Kinds of packages no decoder knows (CustomResourceDefinition), as the generator found them. */
const generatedKinds = new Set(generated.kinds);

/** The OpenAPI name of a kind of a group version ("apps/v1", "Deployment" → io.k8s.api.apps.v1.Deployment). */
export function definitionOf(apiVersion: string, kind: string): string | undefined {
  const pkg = packages[apiVersion];
  const name = pkg && `${pkg}.${kind}`;
  return name && name in all ? name : undefined;
}

/** Meta kinds every group version serves (the API server registers them in each). */
const everyGroupVersion = new Set([`${meta}.DeleteOptions`, `${meta}.WatchEvent`]);

/** The apiVersion ("apps/v1", "v1") of the package a definition is in, if it is a served API package. */
function apiVersionOfDefinition(name: string): string | undefined {
  const pkg = name.slice(0, name.lastIndexOf("."));
  return Object.entries(packages).find(([, p]) => p === pkg)?.[0];
}

const gvkOf = (apiVersion: string, kind: string): GroupVersionKind => {
  const slash = apiVersion.lastIndexOf("/");
  return { group: slash < 0 ? "" : apiVersion.slice(0, slash), kind, version: apiVersion.slice(slash + 1) };
};

/** Whether a definition is a kind (embeds TypeMeta); list kinds are named by their items' kind. */
function isKind(name: string): boolean {
  const proto = name.replace(/^io\.k8s\./, "k8s.io.");
  return (
    generatedKinds.has(name) ||
    typeMetaMessages.has(proto) ||
    (name.endsWith("List") && typeMetaMessages.has(proto.slice(0, -4)))
  );
}

/**
 * The definitions reachable from `roots`, each kind with the group-version-kinds it is served as
 * (`x-kubernetes-group-version-kind`): a kind of a served group version, the meta kinds every
 * group version registers (DeleteOptions, WatchEvent, in each of `apiVersions`) and Status (v1).
 */
export function definitionsFrom(
  roots: Iterable<string>,
  apiVersions: readonly string[],
): Record<string, Schema> {
  const served = new Set(apiVersions);
  const out: Record<string, Schema> = {};
  const pending = [...roots];
  while (pending.length) {
    const name = pending.pop() as string;
    if (name in out) continue;
    const schema = all[name] ?? extra[name];
    if (!schema) throw new Error(`no OpenAPI definition ${name}`);
    out[name] = withKinds(name, schema, served, apiVersions);
    for (const match of JSON.stringify(schema).matchAll(/"#\/definitions\/([^"]+)"/g))
      if (match[1] && !(match[1] in out)) pending.push(match[1]);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function withKinds(
  name: string,
  schema: Schema,
  served: Set<string>,
  apiVersions: readonly string[],
): Schema {
  const kind = name.slice(name.lastIndexOf(".") + 1);
  let gvks: GroupVersionKind[] = [];
  if (everyGroupVersion.has(name)) gvks = apiVersions.map((gv) => gvkOf(gv, kind));
  else if (name === `${meta}.Status`) gvks = [gvkOf("v1", kind)];
  else if (isKind(name)) {
    const apiVersion = apiVersionOfDefinition(name);
    if (apiVersion && served.has(apiVersion)) gvks = [gvkOf(apiVersion, kind)];
  }
  if (!gvks.length) return schema;
  gvks.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return { ...schema, "x-kubernetes-group-version-kind": gvks };
}

/**
 * A field's doc comment as Go's SwaggerDoc() gives it (what the API server's printers describe
 * their columns with): the definition's description, less the enum values openapi-gen adds.
 */
export function fieldDoc(definition: string, field: string): string {
  const properties = all[`io.k8s.api.${definition}`]?.properties as Record<string, Schema> | undefined;
  const text = properties?.[field]?.description;
  if (typeof text !== "string") throw new Error(`no OpenAPI description of ${definition}.${field}`);
  return text.split("\n\nPossible enum values:")[0] as string;
}
