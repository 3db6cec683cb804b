import * as classrooms from "../../../accounts/classrooms.ts";
import { getSandbox } from "../../../accounts/sandboxes.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

// The classroom mutations, each a thin call into accounts/classrooms.ts, which checks who may.

/** Mutation.createClassroom. */
export const createClassroom = (
  _: unknown,
  args: { name: string; seats: number; templateSandboxId?: string | null },
  ctx: GraphQLContext,
) =>
  classrooms.createClassroom(
    ctx.database,
    requireUser(ctx).id,
    args.name,
    args.seats,
    args.templateSandboxId ?? null,
  );

/** Mutation.joinClassroom. */
export const joinClassroom = (_: unknown, args: { code: string }, ctx: GraphQLContext) =>
  classrooms.joinClassroom(ctx, requireUser(ctx).id, args.code);

/** Mutation.rotateJoinCode. */
export const rotateJoinCode = (_: unknown, args: { classroomId: string }, ctx: GraphQLContext) =>
  classrooms.rotateJoinCode(ctx.database, requireUser(ctx).id, args.classroomId);

/** Mutation.removeStudent. */
export const removeStudent = (
  _: unknown,
  args: { classroomId: string; userId: string },
  ctx: GraphQLContext,
) => classrooms.removeStudent(ctx.database, requireUser(ctx).id, args.classroomId, args.userId);

/** Mutation.resetStudentSandbox: the student's sandbox, reset, as the instructor sees it. */
export async function resetStudentSandbox(
  _: unknown,
  args: { classroomId: string; userId: string },
  ctx: GraphQLContext,
) {
  const user = requireUser(ctx);
  const id = await classrooms.resetStudentSandbox(ctx, user.id, args.classroomId, args.userId);
  return getSandbox(ctx, user.id, id);
}

/** Mutation.setStudentLimits. */
export const setStudentLimits = (
  _: unknown,
  args: { classroomId: string; userId: string; limits: Partial<classrooms.StudentLimits> },
  ctx: GraphQLContext,
) =>
  classrooms.setStudentLimits(ctx.database, requireUser(ctx).id, args.classroomId, args.userId, args.limits);
