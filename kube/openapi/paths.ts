import { definitionOf, type Schema } from "./definitions.ts";

/** What the OpenAPI paths need to know of a served resource (a Kind, or a review resource). */
export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
}

const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

/** The operationId part naming a group version, as the API server's: "CoreV1", "AppsV1", "AuthorizationV1". */
function groupVersionName(group: string, version: string): string {
  const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const g = group === "" ? "core" : group.replace(/\.k8s\.io$/, "").replace(/\.io$/, "");
  return g.split(/[.-]/).map(title).join("") + title(version);
}

const query = (name: string, type: string, description: string) => ({
  description,
  in: "query",
  name,
  type,
  uniqueItems: true,
});

/** The query parameters of writes, which kubectl looks for before leaving validation to the server. */
const writeParameters = [
  query(
    "dryRun",
    "string",
    "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
  ),
  query(
    "fieldManager",
    "string",
    "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.",
  ),
  query(
    "fieldValidation",
    "string",
    "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
  ),
];

const listParameters = [
  query("allowWatchBookmarks", "boolean", 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  query(
    "continue",
    "string",
    "The continue option should be set when retrieving more results from the server.",
  ),
  query("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields."),
  query("labelSelector", "string", "A selector to restrict the list of returned objects by their labels."),
  query("limit", "integer", "limit is a maximum number of responses to return for a list call."),
  query(
    "resourceVersion",
    "string",
    "resourceVersion sets a constraint on what resource versions a request may be served from.",
  ),
  query("timeoutSeconds", "integer", "Timeout for the list/watch call."),
  query(
    "watch",
    "boolean",
    "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.",
  ),
];

const pathParameter = (name: string, description: string) => ({
  description,
  in: "path",
  name,
  required: true,
  type: "string",
  uniqueItems: true,
});

const body = (schema: Schema) => ({ in: "body", name: "body", required: true, schema });
const ok = (schema: Schema, codes: string[] = ["200"]) => ({
  ...Object.fromEntries(
    codes.map((code) => [code, { description: code === "201" ? "Created" : "OK", schema }]),
  ),
  "401": { description: "Unauthorized" },
});

const json = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const patchTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

/**
 * The Swagger 2.0 paths of one resource: its collection (list, create, deletecollection) and its
 * objects (read, replace, patch, delete), as far as its verbs go; each operation names the kind's
 * group-version-kind and takes the query parameters the API server's do. A create-only resource
 * (a review) has a POST alone.
 */
export function resourcePaths(r: ServedResource): Record<string, Schema> {
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  const definition = definitionOf(apiVersion, r.kind);
  if (!definition) throw new Error(`no OpenAPI definition of ${apiVersion} ${r.kind}`);
  const list = definitionOf(apiVersion, `${r.kind}List`);
  const gvk = { group: r.group, kind: r.kind, version: r.version };
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const collection = r.namespaced
    ? `${prefix}/namespaces/{namespace}/${r.resource}`
    : `${prefix}/${r.resource}`;
  const gv = groupVersionName(r.group, r.version);
  const scope = r.namespaced ? "Namespaced" : "";
  const tags = [r.group === "" ? "core_v1" : `${r.group.split(".")[0]}_${r.version}`];
  const can = (verb: string) => r.verbs.includes(verb);
  const operation = (action: string, verb: string, extra: Schema) => ({
    consumes: ["*/*"],
    operationId: `${verb}${gv}${scope}${r.kind}`,
    produces: json,
    schemes: ["https"],
    tags,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
    ...extra,
  });
  const namespaceParam = r.namespaced
    ? [pathParameter("namespace", "object name and auth scope, such as for teams and projects")]
    : [];
  const paths: Record<string, Schema> = {};

  const collectionOps: Schema = {};
  if (can("list") && list)
    collectionOps.get = operation("list", "list", {
      description: `list or watch objects of kind ${r.kind}`,
      parameters: listParameters,
      responses: ok(ref(list)),
    });
  if (can("create"))
    collectionOps.post = operation("post", "create", {
      description: `create ${articleFor(r.kind)} ${r.kind}`,
      parameters: [body(ref(definition)), ...writeParameters],
      responses: ok(ref(definition), ["200", "201"]),
    });
  if (can("deletecollection"))
    collectionOps.delete = operation("deletecollection", "deleteCollection", {
      description: `delete collection of ${r.kind}`,
      parameters: [body(ref(`${meta}.DeleteOptions`)), ...listParameters],
      responses: ok(ref(`${meta}.Status`)),
    });
  if (Object.keys(collectionOps).length)
    paths[collection] = {
      ...collectionOps,
      parameters: [
        ...namespaceParam,
        query("pretty", "string", "If 'true', then the output is pretty printed."),
      ],
    };

  const itemOps: Schema = {};
  if (can("get"))
    itemOps.get = operation("get", "read", {
      description: `read the specified ${r.kind}`,
      responses: ok(ref(definition)),
    });
  if (can("update"))
    itemOps.put = operation("put", "replace", {
      description: `replace the specified ${r.kind}`,
      parameters: [body(ref(definition)), ...writeParameters],
      responses: ok(ref(definition), ["200", "201"]),
    });
  if (can("patch"))
    itemOps.patch = operation("patch", "patch", {
      consumes: patchTypes,
      description: `partially update the specified ${r.kind}`,
      parameters: [
        body(ref(`${meta}.Patch`)),
        ...writeParameters,
        query(
          "force",
          "boolean",
          'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.',
        ),
      ],
      responses: ok(ref(definition), ["200", "201"]),
    });
  if (can("delete"))
    itemOps.delete = operation("delete", "delete", {
      description: `delete ${articleFor(r.kind)} ${r.kind}`,
      parameters: [body(ref(`${meta}.DeleteOptions`)), ...writeParameters.slice(0, 1)],
      responses: ok(ref(definition), ["200", "202"]),
    });
  if (Object.keys(itemOps).length)
    paths[`${collection}/{name}`] = {
      ...itemOps,
      parameters: [pathParameter("name", `name of the ${r.kind}`), ...namespaceParam],
    };

  if (r.namespaced && can("list") && list)
    paths[`${prefix}/${r.resource}`] = {
      get: {
        ...operation("list", "list", { parameters: listParameters, responses: ok(ref(list)) }),
        operationId: `list${gv}${r.kind}ForAllNamespaces`,
      },
    };
  return paths;
}

/** "a" or "an", as the API server's operation descriptions say it. */
function articleFor(kind: string): string {
  return /^[AEIOU]/.test(kind) ? "an" : "a";
}
