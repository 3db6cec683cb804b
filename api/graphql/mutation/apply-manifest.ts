import { parseAllDocuments } from "yaml";
import { badRequest, invalid, StatusError } from "../../../kube/errors.ts";
import { kindByApiVersionKind } from "../../../kube/kinds/index.ts";
import { isPlainObject, type KubeObject } from "../../../kube/object.ts";
import { applyObject } from "../../../registry/apply.ts";
import { authorize } from "../cluster/access.ts";
import { keyOf } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";
import { kubeErrorOf } from "../errors.ts";

/** The field manager GraphQL's applies are recorded under (managedFields), as kubectl's are under "kubectl". */
export const graphqlFieldManager = "kubesandbox-graphql";

const maxDocuments = 100;

/** The documents of a manifest: YAML (a JSON document is YAML too), several separated by `---`; empty ones skipped. */
function documents(manifest: string): (unknown | StatusError)[] {
  const docs = parseAllDocuments(manifest);
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > maxDocuments) throw badRequest(`a manifest may hold at most ${maxDocuments} documents`);
  return list
    .map((d) =>
      d.errors.length
        ? badRequest(`error converting YAML to JSON: ${d.errors[0]?.message.split("\n")[0]}`)
        : (d.toJS({ maxAliasCount: 100 }) as unknown),
    )
    .filter((v) => v !== null && v !== undefined);
}

/**
 * Mutation.applyManifest: every document through the API's server-side apply (registry/apply.ts),
 * forcing conflicts as `kubectl apply --server-side --force-conflicts` does; one result each,
 * with the API server's error (an invalid object's causes point at their fields).
 */
export async function applyManifest(
  _: unknown,
  args: { sandboxId: string; manifest: string; namespace?: string | null; dryRun?: boolean | null },
  ctx: GraphQLContext,
) {
  const results = [];
  const docs = documents(args.manifest);
  for (const [index, doc] of docs.entries()) {
    const meta = isPlainObject(doc) && isPlainObject(doc.metadata) ? doc.metadata : {};
    const name = typeof meta.name === "string" ? meta.name : null;
    const base = {
      index,
      kind: isPlainObject(doc) ? String(doc.kind ?? "") || null : null,
      name,
      namespace: null as string | null,
    };
    try {
      if (doc instanceof StatusError) throw doc;
      if (!isPlainObject(doc)) throw badRequest("a manifest document must be an object");
      const kind = kindByApiVersionKind(String(doc.apiVersion ?? ""), String(doc.kind ?? ""));
      if (!kind)
        throw new StatusError(
          404,
          "NotFound",
          `no matches for kind "${String(doc.kind ?? "")}" in version "${String(doc.apiVersion ?? "")}"`,
        );
      if (!name)
        throw invalid(kind.group, kind.kind, "", [
          { type: "FieldValueRequired", field: "metadata.name", body: "Required value: name is required" },
        ]);
      const key = keyOf(
        kind,
        typeof meta.namespace === "string" ? meta.namespace : (args.namespace ?? null),
        name,
      );
      base.namespace = key.namespace || null;
      const scope = await authorize(ctx, args.sandboxId, {
        verb: "patch",
        group: kind.group,
        resource: kind.resource,
        namespace: key.namespace,
        name,
      });
      const before = await ctx.loaders.object.load({ sandboxId: args.sandboxId, ...key });
      const body = kind.namespaced ? { ...doc, metadata: { ...meta, namespace: key.namespace } } : doc;
      const { object, created } = await applyObject(
        ctx.database,
        args.sandboxId,
        kind,
        { namespace: kind.namespaced ? key.namespace : null, name },
        "",
        body,
        { fieldManager: graphqlFieldManager, force: true, dryRun: !!args.dryRun },
      );
      const unchanged = !created && before?.metadata.resourceVersion === object.metadata.resourceVersion;
      results.push({
        ...base,
        action: created ? "CREATED" : unchanged ? "UNCHANGED" : "CONFIGURED",
        object: { sandboxId: args.sandboxId, scope, obj: object as KubeObject },
        error: null,
      });
    } catch (err) {
      results.push({ ...base, action: "FAILED", object: null, error: kubeErrorOf(err) });
    }
  }
  return { results, ok: results.every((r) => r.action !== "FAILED") };
}
