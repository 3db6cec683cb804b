import type { Database } from "../db/connection.ts";
import { badRequest, qualifiedResource, StatusError } from "../kube/errors.ts";
import { applyConfiguration } from "../kube/fieldmanager/apply.ts";
import { apiVersionOf, type Kind } from "../kube/kinds/kind.ts";
import { isPlainObject, type KubeObject } from "../kube/object.ts";
import { createObject } from "./create.ts";
import type { Target } from "./target.ts";
import { modifyObject, type Subresource } from "./update.ts";

/** The options of an apply patch: its manager (required), `force`, and dry run. */
export interface ApplyOptions {
  fieldManager: string;
  force: boolean;
  dryRun?: boolean;
}

/** What an apply did: the object as stored (or as it would be, for a dry run), and whether it created it. */
export interface ApplyOutcome {
  object: KubeObject;
  created: boolean;
}

/** How a GroupVersionKind prints in Go: "/v1, Kind=Namespace", "apps/v1, Kind=Deployment". */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === "string" ? apiVersion : "";
  const slash = av.indexOf("/");
  const [group, version] = slash < 0 ? ["", av] : [av.slice(0, slash), av.slice(slash + 1)];
  return `${group}/${version}, Kind=${typeof kind === "string" ? kind : ""}`;
}

/**
 * Checks an applied configuration as the field manager does before merging it: a map, of this
 * endpoint's group, version and kind, without managedFields.
 */
export function checkConfiguration(kind: Kind, body: unknown): KubeObject {
  const config = body ?? {};
  if (!isPlainObject(config))
    throw badRequest(
      `error decoding YAML: json: cannot unmarshal ${Array.isArray(config) ? "array" : typeof config} into Go value of type map[string]interface {}`,
    );
  if (config.apiVersion !== apiVersionOf(kind) || config.kind !== kind.kind)
    throw badRequest(`invalid object type: ${gvkString(config.apiVersion, config.kind)}`);
  const metadata = config.metadata ?? {};
  if (!isPlainObject(metadata))
    throw badRequest(
      `error decoding YAML: json: cannot unmarshal ${typeof metadata} into Go value of type v1.ObjectMeta`,
    );
  if (metadata.managedFields !== undefined && metadata.managedFields !== null)
    throw badRequest("metadata.managedFields must be nil");
  const { managedFields: _, ...rest } = metadata;
  return { ...config, metadata: rest } as KubeObject;
}

/**
 * The applied object must be the one the URL names (EnsureObjectNamespaceMatchesRequestNamespace
 * and checkName): its namespace defaults to the URL's, and its name must match.
 */
function checkTarget(kind: Kind, target: Target, obj: KubeObject): void {
  const m = obj.metadata;
  if (!kind.namespaced) delete m.namespace;
  else if (!m.namespace) m.namespace = target.namespace ?? undefined;
  else if (m.namespace !== target.namespace)
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  if (!m.name)
    throw badRequest(
      `the name of the object (${target.name} based on URL) was undeterminable: name must be provided`,
    );
  if (m.name !== target.name)
    throw badRequest(
      `the name of the object (${m.name}) does not match the name on the URL (${target.name})`,
    );
}

function isNotFoundOf(err: unknown, kind: Kind, name: string): boolean {
  return (
    err instanceof StatusError &&
    err.code === 404 &&
    err.details?.kind === kind.resource &&
    err.details.name === name
  );
}

/**
 * PATCH with application/apply-patch+yaml: merges the configuration into the object through
 * the update path, or creates the object through the create path when it does not exist (so
 * defaults, validation and admission run either way). A create that loses a race to another
 * writer is retried as an update.
 */
export async function applyObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  target: Target,
  subresource: Subresource,
  body: unknown,
  options: ApplyOptions,
): Promise<ApplyOutcome> {
  const config = checkConfiguration(kind, body);
  const scope = { kind, subresource };
  const writeOptions = { dryRun: options.dryRun, fieldManager: options.fieldManager, managedByApply: true };
  for (let attempt = 0; ; attempt++) {
    try {
      const object = await modifyObject(
        database,
        sandboxId,
        kind,
        target,
        subresource,
        (current) => {
          const { object } = applyConfiguration(scope, current, config, options.fieldManager, options.force);
          checkTarget(kind, target, object);
          return object;
        },
        writeOptions,
      );
      return { object, created: false };
    } catch (err) {
      if (subresource || !isNotFoundOf(err, kind, target.name)) throw err;
    }
    const { object } = applyConfiguration(scope, null, config, options.fieldManager, options.force);
    checkTarget(kind, target, object);
    if (object.metadata.uid)
      throw new StatusError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualifiedResource(kind.group, kind.resource)} "${target.name}": uid mismatch: the provided object specified uid ${object.metadata.uid}, and no existing object was found`,
        { name: target.name, ...(kind.group ? { group: kind.group } : {}), kind: kind.resource },
      );
    try {
      return {
        object: await createObject(database, sandboxId, kind, target.namespace, object, writeOptions),
        created: true,
      };
    } catch (err) {
      const raced = err instanceof StatusError && err.reason === "AlreadyExists";
      if (!raced || attempt >= 2) throw err;
    }
  }
}
