import type { Database } from "../db/connection.ts";
import { glanceAt, type SandboxGlance } from "../db/store/overview.ts";
import { studentsOf, taught } from "./classrooms.ts";

/** One student's line of the overview. */
export interface StudentOverview extends Omit<SandboxGlance, "sandboxId"> {
  student: { id: string; email: string };
  sandboxId: string | null;
}

/**
 * The instructor's overview of a class they teach: per student, their sandbox at a glance
 * (db/store/overview.ts), in two statements whatever the class's size.
 */
export async function classroomOverview(
  database: Database,
  instructorId: string,
  classroomId: string,
): Promise<StudentOverview[]> {
  await taught(database, instructorId, classroomId);
  const students = await studentsOf(database, [classroomId]);
  const glances = new Map(
    (
      await glanceAt(
        database.sql,
        students.flatMap((s) => (s.sandboxId ? [s.sandboxId] : [])),
      )
    ).map((g) => [g.sandboxId, g]),
  );
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
