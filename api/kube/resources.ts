import { noFilter, type ObjectFilter } from "../../db/filters.ts";
import { badRequest, methodNotAllowed, StatusError } from "../../kube/errors.ts";
import { apiVersionOf, type Kind, storageResource } from "../../kube/kinds/kind.ts";
import type { KubeObject } from "../../kube/object.ts";
import { applyJsonPatch, applyMergePatch, patchTypeOf, patchTypes } from "../../kube/patch/patch.ts";
import { applyStrategicMergePatch } from "../../kube/patch/strategic-merge.ts";
import { toTable } from "../../kube/printing/table.ts";
import { fieldPaths } from "../../kube/selectors/field-selectors.ts";
import { parseFieldSelector, parseLabelSelector } from "../../kube/selectors/parse.ts";
import { kindSchema } from "../../kube/types/merge-schema.ts";
import { applyObject } from "../../registry/apply.ts";
import { bindPod } from "../../registry/binding.ts";
import { createObject, type WriteOptions } from "../../registry/create.ts";
import { deleteCollection, deleteObject } from "../../registry/delete.ts";
import { listKind, listKindTexts, readObject } from "../../registry/read.ts";
import type { Target } from "../../registry/target.ts";
import { modifyObject, type Subresource } from "../../registry/update.ts";
import { authorizeResource, verbOf } from "./authorize.ts";
import { readBody, readPatchBody } from "./body.ts";
import type { KubeRequestContext } from "./context.ts";
import { readDeleteOptions } from "./delete-options.ts";
import { fieldManagerOf, patchFieldOptions, readApplyBody } from "./field-manager.ts";
import { withWarnings, writeDecodeOptions } from "./field-validation.ts";
import { listResourceVersion } from "./list-options.ts";
import { includeObject, isDryRun, queryBool, wantsTable } from "./negotiate.ts";
import { continueToken, pageOf } from "./paging.ts";
import { handleLog } from "./pod-log.ts";
import type { ResourcePath } from "./resource-path.ts";
import { json } from "./response.ts";
import { handleScale } from "./scale.ts";
import { handleTokenRequest } from "./token-request.ts";
import { watchResponse } from "./watch.ts";

/** The label and field selectors of a list or watch, parsed and checked. */
export function parseFilter(kind: Kind, url: URL): ObjectFilter {
  const labels = parseLabelSelector(url.searchParams.get("labelSelector") ?? "");
  const fieldReqs = parseFieldSelector(url.searchParams.get("fieldSelector") ?? "");
  if (!labels.length && !fieldReqs.length) return noFilter;
  const paths = fieldPaths(kind, fieldReqs);
  return { labels, fields: fieldReqs.map((requirement, i) => ({ requirement, path: paths[i] ?? [] })) };
}

/** An object, or a one-row Table of it when the client asked for one. */
function objectResponse(req: Request, url: URL, kind: Kind, obj: KubeObject, status = 200): Response {
  if (wantsTable(req))
    return json(toTable(kind.printer, [obj], obj.metadata.resourceVersion ?? "", includeObject(url)), status);
  return json(obj, status);
}

async function list(ctx: KubeRequestContext, req: Request, url: URL, path: ResourcePath): Promise<Response> {
  const filter = parseFilter(path.kind, url);
  // Checked as the storage checks it; a list always reads the latest revision.
  listResourceVersion(url);
  const args = [ctx.database, ctx.sandboxId, path.kind, path.namespace, filter, pageOf(url)] as const;
  if (wantsTable(req)) {
    const { items, revision, next } = await listKind(...args);
    const more = next ? { continue: continueToken(next) } : {};
    return json(toTable(path.kind.printer, items, String(revision), includeObject(url), Date.now(), more));
  }
  // Sent as it is: the items' JSON as Postgres prints it, never parsed here; a sealed kind's
  // items are opened here, and printed.
  const { items, revision, next } = ctx.database.sealing.isSealed(storageResource(path.kind))
    ? await listKind(...args).then((r) => ({ ...r, items: r.items.map((o) => JSON.stringify(o)) }))
    : await listKindTexts(...args);
  const metadata = { resourceVersion: String(revision), ...(next ? { continue: continueToken(next) } : {}) };
  const head = JSON.stringify({
    kind: `${path.kind.kind}List`,
    apiVersion: apiVersionOf(path.kind),
    metadata,
  });
  return new Response(`${head.slice(0, -1)},"items":[${items.join(",")}]}`, {
    headers: { "content-type": "application/json" },
  });
}

function target(path: ResourcePath): Target {
  return { namespace: path.namespace, name: path.name ?? "" };
}

function subresourceOf(path: ResourcePath): Subresource {
  if (path.subresource === null) return "";
  if (path.subresource === "status" && path.kind.subresources.includes("status")) return "status";
  throw methodNotAllowed();
}

async function patch(ctx: KubeRequestContext, req: Request, url: URL, path: ResourcePath): Promise<Response> {
  const type = patchTypeOf(req.headers.get("content-type") ?? "");
  if (!type)
    throw new StatusError(
      415,
      "UnsupportedMediaType",
      `the server does not support patch type ${req.headers.get("content-type") ?? ""}`,
    );
  const { fieldManager, force } = patchFieldOptions(req, url, type);
  if (type === patchTypes.apply) {
    const options = { fieldManager, force, dryRun: isDryRun(url) };
    const body = await readApplyBody(req);
    const { object, created } = await applyObject(
      ctx.database,
      ctx.sandboxId,
      path.kind,
      target(path),
      subresourceOf(path),
      body,
      options,
    );
    return objectResponse(req, url, path.kind, object, created ? 201 : 200);
  }
  const body = await readPatchBody(req);
  const decode = writeDecodeOptions(url, "PatchOptions");
  const patchType = type === patchTypes.json ? "json" : type === patchTypes.strategic ? "strategic" : "merge";
  const change = (current: KubeObject) => {
    if (type === patchTypes.json) return applyJsonPatch(current, body.value);
    if (type === patchTypes.strategic)
      return applyStrategicMergePatch(
        current,
        body.value,
        kindSchema(apiVersionOf(path.kind), path.kind.kind),
      );
    return applyMergePatch(current, body.value);
  };
  return modify(ctx, req, url, path, change, {
    dryRun: isDryRun(url),
    fieldManager,
    ...decode,
    patch: { type: patchType, body: body.value, sourceText: body.text },
  });
}

/**
 * PUT and PATCH: `change` run on the current object through the update path, answered with the
 * result (or its Table) and the decoder's warnings.
 */
async function modify(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
  change: (current: KubeObject) => unknown,
  options: WriteOptions & { warnings: string[] },
): Promise<Response> {
  const { database, sandboxId } = ctx;
  const obj = await modifyObject(
    database,
    sandboxId,
    path.kind,
    target(path),
    subresourceOf(path),
    change,
    options,
  );
  return withWarnings(objectResponse(req, url, path.kind, obj), options.warnings);
}

/** Serves one request on a resource path, by method and the presence of a name. */
export async function handleResource(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
): Promise<Response> {
  const method = req.method.toUpperCase();
  const dryRun = isDryRun(url);
  const verb = verbOf(method, url, path.name, path.subresource);
  await authorizeResource(ctx, {
    verb,
    group: path.kind.group,
    version: path.kind.version,
    resource: path.kind.resource,
    ...(path.subresource ? { subresource: path.subresource } : {}),
    ...(path.namespace ? { namespace: path.namespace } : {}),
    ...(path.name ? { name: path.name } : {}),
  });
  if (path.subresource === null && !path.kind.verbs.includes(verb)) throw methodNotAllowed();
  if (path.subresource === "scale" && path.kind.scale) return handleScale(ctx, req, url, path);
  if ((path.subresource === "exec" || path.subresource === "attach") && path.kind.resource === "pods")
    // A stream: the WebSocket upgrade is served by the remote-command handler; a plain request is refused.
    throw badRequest("Upgrade request required");
  if (path.subresource === "log" && path.kind.resource === "pods" && path.name) {
    if (method !== "GET") throw methodNotAllowed();
    return handleLog(ctx, req, url, path);
  }
  if (path.subresource === "token" && path.kind.resource === "serviceaccounts")
    return handleTokenRequest(ctx, req, url, path);
  if (path.subresource === "binding" && path.kind.resource === "pods" && path.name) {
    if (method !== "POST") throw methodNotAllowed();
    const body = await readBody(req);
    await bindPod(ctx.database, ctx.sandboxId, path.namespace ?? "", path.name, body.value);
    return json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }, 201);
  }
  if (path.name === null) {
    if (method === "GET") {
      if (queryBool(url, "watch")) return watchResponse(ctx, req, url, path, parseFilter(path.kind, url));
      return list(ctx, req, url, path);
    }
    if (method === "DELETE") {
      const deleted = await deleteCollection(
        ctx.database,
        ctx.sandboxId,
        path.kind,
        path.namespace,
        parseFilter(path.kind, url),
        await readDeleteOptions(req, url),
      );
      return json({
        kind: `${path.kind.kind}List`,
        apiVersion: apiVersionOf(path.kind),
        metadata: {},
        items: deleted,
      });
    }
    if (method === "POST") {
      const decode = writeDecodeOptions(url, "CreateOptions");
      const body = await readBody(req);
      const obj = await createObject(ctx.database, ctx.sandboxId, path.kind, path.namespace, body.value, {
        dryRun,
        ...decode,
        sourceText: body.text,
        fieldManager: fieldManagerOf(req, url),
      });
      return withWarnings(objectResponse(req, url, path.kind, obj, 201), decode.warnings);
    }
    throw methodNotAllowed();
  }
  switch (method) {
    case "GET":
      if (path.subresource !== null) subresourceOf(path);
      return objectResponse(
        req,
        url,
        path.kind,
        await readObject(ctx.database, ctx.sandboxId, path.kind, target(path)),
      );
    case "PUT": {
      const decode = writeDecodeOptions(url, "UpdateOptions");
      const body = await readBody(req);
      return modify(ctx, req, url, path, () => body.value, {
        dryRun,
        ...decode,
        sourceText: body.text,
        fieldManager: fieldManagerOf(req, url),
      });
    }
    case "PATCH":
      return patch(ctx, req, url, path);
    case "DELETE": {
      if (path.subresource !== null) throw methodNotAllowed();
      const { object } = await deleteObject(
        ctx.database,
        ctx.sandboxId,
        path.kind,
        target(path),
        await readDeleteOptions(req, url),
      );
      return json(object);
    }
    default:
      throw methodNotAllowed();
  }
}
