import { conflict } from "../../kube/errors.ts";
import { replicasFromScale, scaleOf, scaleSpec } from "../../kube/kinds/workload/scale.ts";
import type { KubeObject } from "../../kube/object.ts";
import { applyJsonPatch, applyMergePatch, patchTypeOf, patchTypes } from "../../kube/patch/patch.ts";
import { applyStrategicMergePatch } from "../../kube/patch/strategic-merge.ts";
import { kindSchema } from "../../kube/types/merge-schema.ts";
import { readObject } from "../../registry/read.ts";
import { modifyObject } from "../../registry/update.ts";
import { readBody, readPatchBody } from "./body.ts";
import type { KubeRequestContext } from "./context.ts";
import { fieldManagerOf } from "./field-manager.ts";
import { isDryRun } from "./negotiate.ts";
import type { ResourcePath } from "./resource-path.ts";
import { json } from "./response.ts";

/** The type a patch of …/scale merges into: autoscaling/v1 Scale, whatever the kind. */
const scaleSchema = kindSchema("autoscaling/v1", "Scale");

/**
 * Reads the request (before the transaction, so no lock waits on the network) and returns how
 * to compute the wanted Scale from the current one: the PUT body, or the patch applied to it.
 */
async function scaleChange(req: Request): Promise<(current: KubeObject) => unknown> {
  if (req.method === "PUT") {
    const { value } = await readBody(req);
    return () => value;
  }
  const type = patchTypeOf(req.headers.get("content-type") ?? "") ?? patchTypes.merge;
  const { value: body } = await readPatchBody(req);
  if (type === patchTypes.json) return (current) => applyJsonPatch(current, body);
  if (type === patchTypes.strategic) return (current) => applyStrategicMergePatch(current, body, scaleSchema);
  return (current) => applyMergePatch(current, body);
}

/**
 * GET, PUT and PATCH of …/scale (rc, rs, deployment): the object's replicas seen and changed
 * as an autoscaling/v1 Scale. A change goes through the object's own update path, so its
 * validation, generation and change log apply.
 */
export async function handleScale(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
): Promise<Response> {
  const kind = path.kind;
  const spec = scaleSpec(kind);
  const target = { namespace: path.namespace, name: path.name ?? "" };
  if (req.method === "GET")
    return json(scaleOf(kind, await readObject(ctx.database, ctx.sandboxId, kind, target)));
  const change = await scaleChange(req);
  const updated = await modifyObject(
    ctx.database,
    ctx.sandboxId,
    kind,
    target,
    "",
    (current) => {
      const wanted = change(scaleOf(kind, current));
      const wantVersion = (wanted as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      if (wantVersion && wantVersion !== current.metadata.resourceVersion)
        throw conflict(kind.group, kind.resource, target.name);
      spec.setSpecReplicas(current, replicasFromScale(wanted, target.name));
      return current;
    },
    { dryRun: isDryRun(url), fieldManager: fieldManagerOf(req, url) },
  );
  return json(scaleOf(kind, updated));
}
