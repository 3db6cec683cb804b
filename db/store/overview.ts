import type { Queryable } from "../sql.ts";
import { notExpired } from "./event-expiry.ts";

/** One sandbox at a glance: pods by phase, its latest events, how many warnings, when it last changed. */
export interface SandboxGlance {
  sandboxId: string;
  podsByPhase: { phase: string; count: number }[];
  recentEvents: {
    type: string;
    reason: string;
    message: string;
    involvedKind: string | null;
    involvedName: string | null;
    lastSeen: string | null;
  }[];
  warnings: number;
  lastActivity: string | null;
}

/**
 * Several sandboxes at a glance, in one statement: what an instructor's overview shows per
 * student. Pods are counted by phase and events read from the objects (not the change log,
 * which is compacted); the last activity is the newest change the log still holds, else the
 * sandbox's creation.
 */
export async function glanceAt(sql: Queryable, sandboxIds: string[], recent = 10): Promise<SandboxGlance[]> {
  if (!sandboxIds.length) return [];
  const rows = await sql<
    {
      id: string;
      phases: Record<string, number>;
      events: SandboxGlance["recentEvents"];
      warnings: number;
      last_activity: Date | null;
    }[]
  >`
    SELECT s.id,
      (SELECT coalesce(jsonb_object_agg(phase, n), '{}'::jsonb) FROM (
        SELECT coalesce(body -> 'status' ->> 'phase', 'Unknown') AS phase, count(*) AS n
        FROM objects WHERE sandbox_id = s.id AND resource = 'pods' GROUP BY 1) p) AS phases,
      (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (
        SELECT coalesce(body ->> 'type', 'Normal') AS type, coalesce(body ->> 'reason', '') AS reason,
          coalesce(body ->> 'message', '') AS message, body -> 'involvedObject' ->> 'kind' AS "involvedKind",
          body -> 'involvedObject' ->> 'name' AS "involvedName",
          coalesce(body ->> 'lastTimestamp', body ->> 'eventTime') AS "lastSeen"
        FROM objects WHERE sandbox_id = s.id AND resource = 'events' AND ${notExpired(sql)}
        ORDER BY resource_version DESC LIMIT ${recent}) e) AS events,
      (SELECT count(*)::int FROM objects WHERE sandbox_id = s.id AND resource = 'events'
        AND body ->> 'type' = 'Warning' AND ${notExpired(sql)}) AS warnings,
      coalesce((SELECT created_at FROM changes WHERE sandbox_id = s.id ORDER BY revision DESC LIMIT 1),
        s.created_at) AS last_activity
    FROM sandboxes s WHERE s.id = ANY(${sandboxIds}::uuid[])`;
  return rows.map((r) => ({
    sandboxId: r.id,
    podsByPhase: Object.entries(r.phases)
      .map(([phase, count]) => ({ phase, count: Number(count) }))
      .sort((a, b) => a.phase.localeCompare(b.phase)),
    recentEvents: r.events,
    warnings: r.warnings,
    lastActivity: r.last_activity ? new Date(r.last_activity).toISOString() : null,
  }));
}
