import type { ObjectFilter } from "../db/filters.ts";
import { listObjects, type SandboxWriter } from "../db/store.ts";
import type { KubeObject } from "../kube/object.ts";
import { labelSelectorString } from "../kube/selectors/label-selector.ts";
import { parseLabelSelector } from "../kube/selectors/parse.ts";

/** The objects of one storage resource in one namespace, read in the writer's transaction. */
export async function listInNamespace(
  w: SandboxWriter,
  resource: string,
  namespace: string,
  filter?: ObjectFilter,
): Promise<KubeObject[]> {
  return (await listObjects(w.tx, w.sandboxId, resource, namespace, filter))?.items ?? [];
}

/** A metav1.LabelSelector as a list filter, so Postgres does the selecting. */
export function selectorFilter(selector: unknown): ObjectFilter {
  return { labels: parseLabelSelector(labelSelectorString(selector)), fields: [] };
}

/** A service's plain map selector (`app: web`) as a list filter. */
export function mapSelectorFilter(selector: Record<string, string>): ObjectFilter {
  return {
    labels: Object.entries(selector).map(([key, value]) => ({ op: "eq" as const, key, value })),
    fields: [],
  };
}
