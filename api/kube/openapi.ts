import { createHash } from "node:crypto";
import { groupVersions, kinds } from "../../kube/kinds/index.ts";
import { apiVersionOf } from "../../kube/kinds/kind.ts";

/**
 * The OpenAPI v3 documents kubectl reads before create and apply. Each kind's object path has a
 * PATCH operation with its group-version-kind and a `fieldValidation` parameter, which tells
 * kubectl the server validates fields itself (so it does not validate on the client).
 */
function documentFor(group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const k of kinds.filter((x) => x.group === group && x.version === version)) {
    const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const path = k.namespaced
      ? `${prefix}/namespaces/{namespace}/${k.resource}/{name}`
      : `${prefix}/${k.resource}/{name}`;
    const gvk = { group, version, kind: k.kind };
    const params = ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({
      name,
      in: "query",
      schema: { type: name === "force" ? "boolean" : "string" },
      uniqueItems: true,
    }));
    paths[path] = {
      get: {
        "x-kubernetes-action": "get",
        "x-kubernetes-group-version-kind": gvk,
        responses: { "200": { description: "OK" } },
      },
      put: {
        "x-kubernetes-action": "put",
        "x-kubernetes-group-version-kind": gvk,
        parameters: params,
        responses: { "200": { description: "OK" } },
      },
      patch: {
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": gvk,
        parameters: params,
        responses: { "200": { description: "OK" } },
      },
      delete: {
        "x-kubernetes-action": "delete",
        "x-kubernetes-group-version-kind": gvk,
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas: {} },
  };
}

const documents = new Map(groupVersions().map((gv) => [apiVersionOf(gv), documentFor(gv.group, gv.version)]));
const hashes = new Map(
  [...documents].map(([gv, doc]) => [
    gv,
    createHash("sha512").update(JSON.stringify(doc)).digest("hex").slice(0, 128).toUpperCase(),
  ]),
);

/** GET /openapi/v3: where each group version's document is. */
export function openapiV3Index(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of documents.keys()) {
    const key = gv.includes("/") ? `apis/${gv}` : `api/${gv}`;
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashes.get(gv)}` };
  }
  return { paths };
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>. */
export function openapiV3Document(groupVersion: string): Record<string, unknown> | null {
  return documents.get(groupVersion) ?? null;
}

/** GET /openapi/v2 (JSON): a minimal Swagger 2.0 document. */
export function openapiV2(): Record<string, unknown> {
  return { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.0" }, paths: {}, definitions: {} };
}
