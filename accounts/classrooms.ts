import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "../db/connection.ts";
import { accessChannel, forgetGrants } from "./access-cache.ts";
import { AccountError } from "./errors.ts";
import { isUuid } from "./ids.ts";
import { resetSandboxTo } from "./sandbox-copies.ts";
import { type AccountDeps, getSandbox, insertSandbox, requireOwner, type SandboxView } from "./sandboxes.ts";

/** A class as stored. */
export interface Classroom {
  id: string;
  name: string;
  seats: number;
  instructorId: string;
  templateSandboxId: string | null;
  joinCode: string;
  createdAt: string;
}

/** Limits an instructor sets for one student; null: the service's defaults. */
export interface StudentLimits {
  maxSandboxes: number | null;
  maxObjects: number | null;
  maxPods: number | null;
}

/** A student of a class: who, the sandbox they got, their limits. */
export interface Student extends StudentLimits {
  classroomId: string;
  userId: string;
  email: string;
  sandboxId: string | null;
  joinedAt: string;
}

interface ClassroomRow {
  id: string;
  name: string;
  seats: number;
  instructor_id: string;
  template_sandbox_id: string | null;
  join_code: string;
  created_at: Date;
}

function toClassroom(r: ClassroomRow): Classroom {
  return {
    id: r.id,
    name: r.name,
    seats: r.seats,
    instructorId: r.instructor_id,
    templateSandboxId: r.template_sandbox_id,
    joinCode: r.join_code,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Letters and digits that cannot be mistaken for one another when read aloud or off a board. */
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A new join code: 10 characters of the alphabet above (50 bits). */
function newJoinCode(): string {
  return [...randomBytes(10)].map((b) => codeAlphabet[b % codeAlphabet.length]).join("");
}

function notFound(id: string): AccountError {
  return new AccountError("NOT_FOUND", `classroom "${id}" not found`);
}

/** The class, if `instructorId` teaches it; NOT_FOUND otherwise (missing and someone else's alike). */
export async function taught(database: Database, instructorId: string, id: string): Promise<Classroom> {
  if (!isUuid(id)) throw notFound(id);
  const [row] = await database.sql<ClassroomRow[]>`
    SELECT * FROM classrooms WHERE id = ${id} AND instructor_id = ${instructorId}`;
  if (!row) throw notFound(id);
  return toClassroom(row);
}

/**
 * Creates a class taught by the caller, with a join code. The template, when given, must be one
 * of the caller's own sandboxes: students' sandboxes are forked from it.
 */
export async function createClassroom(
  database: Database,
  instructorId: string,
  name: string,
  seats: number,
  templateSandboxId: string | null,
): Promise<Classroom> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200 || trimmed.includes("\u0000"))
    throw new AccountError("BAD_USER_INPUT", "name: must be 1 to 200 characters");
  if (!Number.isInteger(seats) || seats < 1 || seats > 10_000)
    throw new AccountError("BAD_USER_INPUT", "seats: must be between 1 and 10000");
  if (templateSandboxId) await requireOwner(database, instructorId, templateSandboxId);
  const [row] = await database.sql<ClassroomRow[]>`
    INSERT INTO classrooms (id, instructor_id, name, seats, template_sandbox_id, join_code)
    VALUES (${randomUUID()}, ${instructorId}, ${trimmed}, ${seats}, ${templateSandboxId}, ${newJoinCode()})
    RETURNING *`;
  return toClassroom(row as ClassroomRow);
}

/** The classes the user teaches or attends, oldest first. */
export async function listClassrooms(database: Database, userId: string): Promise<Classroom[]> {
  const rows = await database.sql<ClassroomRow[]>`
    SELECT c.* FROM classrooms c WHERE c.instructor_id = ${userId}
    UNION
    SELECT c.* FROM classrooms c JOIN classroom_students cs ON cs.classroom_id = c.id WHERE cs.user_id = ${userId}
    ORDER BY created_at, id`;
  return rows.map(toClassroom);
}

/** A class the user teaches or attends; NOT_FOUND otherwise. */
export async function getClassroom(database: Database, userId: string, id: string): Promise<Classroom> {
  if (!isUuid(id)) throw notFound(id);
  const [row] = await database.sql<ClassroomRow[]>`
    SELECT c.* FROM classrooms c WHERE c.id = ${id} AND (c.instructor_id = ${userId}
      OR EXISTS (SELECT 1 FROM classroom_students cs WHERE cs.classroom_id = c.id AND cs.user_id = ${userId}))`;
  if (!row) throw notFound(id);
  return toClassroom(row);
}

/** The students of several classes (all of them; callers show a student only themselves), in one query. */
export async function studentsOf(database: Database, classroomIds: string[]): Promise<Student[]> {
  const rows = await database.sql<
    {
      classroom_id: string;
      user_id: string;
      email: string;
      sandbox_id: string | null;
      max_sandboxes: number | null;
      max_objects: number | null;
      max_pods: number | null;
      joined_at: Date;
    }[]
  >`
    SELECT cs.*, u.email FROM classroom_students cs JOIN users u ON u.id = cs.user_id
    WHERE cs.classroom_id = ANY(${classroomIds}::uuid[]) ORDER BY cs.joined_at, cs.user_id`;
  return rows.map((r) => ({
    classroomId: r.classroom_id,
    userId: r.user_id,
    email: r.email,
    sandboxId: r.sandbox_id,
    maxSandboxes: r.max_sandboxes,
    maxObjects: r.max_objects,
    maxPods: r.max_pods,
    joinedAt: new Date(r.joined_at).toISOString(),
  }));
}

/**
 * Joins the class a code names: the student gets a sandbox of their own, forked from the class's
 * template (or a new cluster when it has none), in the transaction that takes their seat. The
 * class's row is locked while the seats are counted, so two joins cannot take the last seat
 * twice. Joining again gives the same sandbox.
 */
export async function joinClassroom(deps: AccountDeps, userId: string, code: string): Promise<SandboxView> {
  const normalized = code.trim().toUpperCase();
  const [found] = await deps.database.sql<(ClassroomRow & { sandbox_id: string | null; joined: boolean })[]>`
    SELECT c.*, cs.sandbox_id, cs.user_id IS NOT NULL AS joined FROM classrooms c
    LEFT JOIN classroom_students cs ON cs.classroom_id = c.id AND cs.user_id = ${userId}
    WHERE c.join_code = ${normalized}`;
  if (!found || normalized.length > 64)
    throw new AccountError("NOT_FOUND", "no classroom has this join code");
  if (found.instructor_id === userId) throw new AccountError("BAD_USER_INPUT", "you teach this classroom");
  if (found.joined && found.sandbox_id) return getSandbox(deps, userId, found.sandbox_id);
  const template = found.template_sandbox_id;
  const fill = template ? { copiesOf: template } : null;
  const name = `classroom-${found.id.slice(0, 8)}`;
  return insertSandbox(deps, userId, name, fill, (tx, sandboxId) => [
    tx`SELECT 1 FROM classrooms WHERE id = ${found.id} FOR UPDATE`.execute(),
    // With no seat left, the division by zero fails the transaction (read below as "full"):
    // the check runs after the lock, on the seats and students as they are then.
    tx`
      INSERT INTO classroom_students (classroom_id, user_id, sandbox_id)
      SELECT c.id, ${userId}, ${sandboxId} FROM classrooms c
      WHERE c.id = ${found.id} AND 1 / greatest(c.seats - (SELECT count(*) FROM classroom_students
        WHERE classroom_id = c.id AND user_id <> ${userId}), 0) >= 0
      ON CONFLICT (classroom_id, user_id) DO UPDATE SET sandbox_id = EXCLUDED.sandbox_id`.execute(),
  ]).catch((err: unknown) => {
    if ((err as { code?: string } | null)?.code === "22012")
      throw new AccountError("CONFLICT", `classroom "${found.name}" is full (${found.seats} seats)`);
    throw err;
  });
}

/** Gives the class a new join code; the old one stops working. */
export async function rotateJoinCode(
  database: Database,
  instructorId: string,
  id: string,
): Promise<Classroom> {
  await taught(database, instructorId, id);
  const [row] = await database.sql<ClassroomRow[]>`
    UPDATE classrooms SET join_code = ${newJoinCode()} WHERE id = ${id} RETURNING *`;
  return toClassroom(row as ClassroomRow);
}

/** A student of a class the caller teaches; NOT_FOUND otherwise. */
async function studentOf(database: Database, instructorId: string, classroomId: string, userId: string) {
  await taught(database, instructorId, classroomId);
  const [student] = isUuid(userId)
    ? (await studentsOf(database, [classroomId])).filter((s) => s.userId === userId)
    : [];
  if (!student) throw new AccountError("NOT_FOUND", `user "${userId}" is not a student of this classroom`);
  return student;
}

/**
 * Removes a student from the class. Their sandbox stays theirs; the instructor's read-only
 * tokens for it are revoked at once (open watches end), and every process forgets the grants.
 */
export async function removeStudent(
  database: Database,
  instructorId: string,
  classroomId: string,
  userId: string,
): Promise<boolean> {
  const student = await studentOf(database, instructorId, classroomId, userId);
  const revoked = (await database.sql.begin(async (tx) => {
    await tx`DELETE FROM classroom_students WHERE classroom_id = ${classroomId} AND user_id = ${userId}`;
    if (!student.sandboxId) return [];
    const rows = await tx<{ id: string }[]>`
      UPDATE tokens SET revoked_at = now()
      WHERE user_id = ${instructorId} AND sandbox_id = ${student.sandboxId} AND scope = 'read' AND revoked_at IS NULL
      RETURNING id`;
    for (const r of rows) await tx`SELECT pg_notify(${accessChannel}, ${`token:${r.id}`})`;
    await tx`SELECT pg_notify(${accessChannel}, ${`grants:${student.sandboxId}`})`;
    return [...rows];
  })) as { id: string }[];
  for (const r of revoked) forgetGrants(`token:${r.id}`);
  if (student.sandboxId) forgetGrants(`grants:${student.sandboxId}`);
  return true;
}

/** Resets a student's sandbox to the class's template (or empty). */
export async function resetStudentSandbox(
  deps: AccountDeps,
  instructorId: string,
  classroomId: string,
  userId: string,
): Promise<string> {
  const student = await studentOf(deps.database, instructorId, classroomId, userId);
  const classroom = await taught(deps.database, instructorId, classroomId);
  if (!student.sandboxId) throw new AccountError("NOT_FOUND", "this student has no sandbox");
  await resetSandboxTo(deps, student.sandboxId, classroom.templateSandboxId);
  return student.sandboxId;
}

/** Sets a student's limits (null: the service's default). */
export async function setStudentLimits(
  database: Database,
  instructorId: string,
  classroomId: string,
  userId: string,
  limits: Partial<StudentLimits>,
): Promise<Student> {
  await studentOf(database, instructorId, classroomId, userId);
  for (const [key, value] of Object.entries(limits))
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0 || value > 1_000_000))
      throw new AccountError("BAD_USER_INPUT", `${key}: must be a whole number from 0 to 1000000`);
  await database.sql`
    UPDATE classroom_students SET
      max_sandboxes = ${limits.maxSandboxes === undefined ? database.sql`max_sandboxes` : limits.maxSandboxes},
      max_objects = ${limits.maxObjects === undefined ? database.sql`max_objects` : limits.maxObjects},
      max_pods = ${limits.maxPods === undefined ? database.sql`max_pods` : limits.maxPods}
    WHERE classroom_id = ${classroomId} AND user_id = ${userId}`;
  return studentOf(database, instructorId, classroomId, userId);
}
