import type { Database } from "../db/connection.ts";
import type { ObjectFilter } from "../db/filters.ts";
import { getObject, type ListResult, listObjects, listObjectTexts, type Page } from "../db/store/reads.ts";
import { notFound } from "../kube/errors.ts";
import { type Kind, storageResource } from "../kube/kinds/kind.ts";
import type { KubeObject } from "../kube/object.ts";
import { sandboxGone } from "./errors.ts";
import type { Target } from "./target.ts";

/** GET of one object; 404 NotFound with the API server's message when absent. */
export async function readObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  target: Target,
): Promise<KubeObject> {
  const obj = await getObject(database, sandboxId, {
    resource: storageResource(kind),
    namespace: target.namespace ?? "",
    name: target.name,
  });
  if (!obj) throw notFound(kind.group, kind.resource, target.name);
  return obj;
}

/** A list's result, or the 404 of a sandbox that no longer exists. */
function orGone<T>(result: T | null): T {
  if (!result) throw sandboxGone();
  return result;
}

/** LIST of a kind, in one namespace (or all when null), filtered in SQL. */
export async function listKind(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  filter: ObjectFilter,
  page: Page = {},
): Promise<ListResult> {
  return orGone(await listObjects(database, sandboxId, storageResource(kind), namespace, filter, page));
}

/** listKind for a list sent as JSON as it is: its items' JSON text (db/store/reads.ts listObjectTexts). */
export async function listKindTexts(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  filter: ObjectFilter,
  page: Page = {},
) {
  return orGone(await listObjectTexts(database, sandboxId, storageResource(kind), namespace, filter, page));
}
