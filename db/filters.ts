import type postgres from "postgres";
import { labelSelectorString } from "../kube/selectors/label-selector.ts";
import { type FieldRequirement, type LabelRequirement, parseLabelSelector } from "../kube/selectors/parse.ts";
import type { LabelSelector } from "../kube/types/meta-v1.ts";
import type { Queryable } from "./sql.ts";

/** What a list or watch keeps: label requirements, and field requirements with their JSON paths. */
export interface ObjectFilter {
  labels: LabelRequirement[];
  fields: { requirement: FieldRequirement; path: string[] }[];
}

/** A filter that keeps everything. */
export const noFilter: ObjectFilter = { labels: [], fields: [] };

/**
 * The filter as one SQL condition on `o.body`. Equality uses jsonb containment (`@>`), which the
 * GIN index on labels serves; the rest are plain jsonb operators.
 */
export function filterCondition(sql: Queryable, filter: ObjectFilter): postgres.PendingQuery<postgres.Row[]> {
  const labels = sql`coalesce(o.body -> 'metadata' -> 'labels', '{}'::jsonb)`;
  const parts = filter.labels.map((r) => {
    switch (r.op) {
      case "eq":
        return sql`${labels} @> ${JSON.stringify({ [r.key]: r.value })}::jsonb`;
      case "neq":
        return sql`NOT (${labels} @> ${JSON.stringify({ [r.key]: r.value })}::jsonb)`;
      case "exists":
        return sql`${labels} ? ${r.key}`;
      case "notexists":
        return sql`NOT (${labels} ? ${r.key})`;
      case "in":
        return sql`(${labels} ->> ${r.key}) = ANY(${r.values}::text[])`;
      default:
        return sql`coalesce((${labels} ->> ${r.key}) <> ALL(${r.values}::text[]), true)`;
    }
  });
  for (const { requirement, path } of filter.fields) {
    // No stored text holds a NUL (nor may a query parameter): such a value equals nothing.
    if (requirement.value.includes("\0")) {
      parts.push(requirement.op === "eq" ? sql`false` : sql`true`);
      continue;
    }
    const value = sql`coalesce(o.body #>> ${path}::text[], '')`;
    parts.push(
      requirement.op === "eq" ? sql`${value} = ${requirement.value}` : sql`${value} <> ${requirement.value}`,
    );
  }
  return parts.reduce((acc, p) => sql`${acc} AND ${p}`, sql`true`);
}

/** A metav1.LabelSelector as a list filter, so Postgres does the selecting. */
export function selectorFilter(selector: LabelSelector | undefined): ObjectFilter {
  return { labels: parseLabelSelector(labelSelectorString(selector)), fields: [] };
}

/** A plain map selector (a service's `app: web`) as a list filter. */
export function mapSelectorFilter(selector: Record<string, string>): ObjectFilter {
  return {
    labels: Object.entries(selector).map(([key, value]) => ({ op: "eq" as const, key, value })),
    fields: [],
  };
}
