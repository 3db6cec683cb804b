import { classroomOverview } from "../../../accounts/classroom-overview.ts";
import { type Classroom as ClassroomRow, studentsOf } from "../../../accounts/classrooms.ts";
import { getSandbox } from "../../../accounts/sandboxes.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

const teaches = (c: ClassroomRow, ctx: GraphQLContext) => requireUser(ctx).id === c.instructorId;

/**
 * Classroom: what its instructor sees (the code, the template, every student, the overview) and
 * what a student sees (the class, and only themselves among its students).
 */
export const Classroom = {
  joinCode: (c: ClassroomRow, _: unknown, ctx: GraphQLContext) => (teaches(c, ctx) ? c.joinCode : null),
  instructor: async (c: ClassroomRow, _: unknown, ctx: GraphQLContext) => {
    const [row] = await ctx.database.sql<{ id: string; email: string }[]>`
      SELECT id, email FROM users WHERE id = ${c.instructorId}`;
    return row ?? { id: c.instructorId, email: "" };
  },
  template: (c: ClassroomRow, _: unknown, ctx: GraphQLContext) =>
    teaches(c, ctx) && c.templateSandboxId
      ? getSandbox(ctx, c.instructorId, c.templateSandboxId).catch(() => null)
      : null,
  students: async (c: ClassroomRow, _: unknown, ctx: GraphQLContext) => {
    const all = await studentsOf(ctx.database, [c.id]);
    return teaches(c, ctx) ? all : all.filter((s) => s.userId === requireUser(ctx).id);
  },
  overview: (c: ClassroomRow, _: unknown, ctx: GraphQLContext) =>
    classroomOverview(ctx.database, requireUser(ctx).id, c.id),
};
