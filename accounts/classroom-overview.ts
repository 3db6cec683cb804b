import type { Database } from "../db/connection.ts";
import { glanceAt, type SandboxGlance } from "../db/store/overview.ts";
import { studentsOf, taught } from "./classrooms.ts";

/** One student's line of the overview. */
export interface StudentOverview extends Omit<SandboxGlance, "sandboxId"> {
  student: { id: string; email: string };
  sandboxId: string | null;
}

/**
 * What an overview that is made again and again (a subscription's) keeps between two: each
 * student sandbox's last glance, and the sandboxes that changed since it was taken.
 */
export interface GlanceCache {
  glances: Map<string, SandboxGlance>;
  changed: Set<string>;
}

/** An empty cache: the first overview glances at every sandbox. */
export function glanceCache(): GlanceCache {
  return { glances: new Map(), changed: new Set() };
}

/**
 * The instructor's overview of a class they teach: per student, their sandbox at a glance
 * (db/store/overview.ts), in two statements whatever the class's size. With a cache, only the
 * sandboxes that changed since (or not glanced at yet) are read again: a class of a hundred
 * whose overview follows every write re-read all of them, some 25 ms of Postgres each time.
 * `watch` is told the students' sandboxes before any is read, so that a subscriber who starts
 * following their changes then misses none that the glances do not hold.
 */
export async function classroomOverview(
  database: Database,
  instructorId: string,
  classroomId: string,
  cache: GlanceCache = glanceCache(),
  watch: (sandboxIds: string[]) => void = () => {},
): Promise<StudentOverview[]> {
  await taught(database, instructorId, classroomId);
  const students = await studentsOf(database, [classroomId]);
  const ids = students.flatMap((s) => (s.sandboxId ? [s.sandboxId] : []));
  watch(ids);
  const stale = ids.filter((id) => cache.changed.has(id) || !cache.glances.has(id));
  // Taken off before the read: a change while it runs marks its sandbox for the next one.
  for (const id of stale) cache.changed.delete(id);
  const fresh = new Map((await glanceAt(database.sql, stale)).map((g) => [g.sandboxId, g]));
  const glances = new Map<string, SandboxGlance>();
  for (const id of ids) {
    const g = fresh.get(id) ?? cache.glances.get(id);
    if (g) glances.set(id, g);
  }
  cache.glances = glances;
  return students.map((s) => {
    const g = s.sandboxId ? glances.get(s.sandboxId) : undefined;
    return {
      student: { id: s.userId, email: s.email },
      sandboxId: s.sandboxId,
      podsByPhase: g?.podsByPhase ?? [],
      recentEvents: g?.recentEvents ?? [],
      warnings: g?.warnings ?? 0,
      lastActivity: g?.lastActivity ?? null,
    };
  });
}

/** The sandboxes of a class's students, for the instructor (to watch them change). */
export async function studentSandboxes(database: Database, instructorId: string, classroomId: string) {
  await taught(database, instructorId, classroomId);
  return (await studentsOf(database, [classroomId])).flatMap((s) => (s.sandboxId ? [s.sandboxId] : []));
}
