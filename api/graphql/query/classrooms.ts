import { getClassroom, listClassrooms } from "../../../accounts/classrooms.ts";
import { AccountError } from "../../../accounts/errors.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Query.classrooms: those the caller teaches or attends. */
export const classrooms = (_: unknown, __: unknown, ctx: GraphQLContext) =>
  listClassrooms(ctx.database, requireUser(ctx).id);

/** Query.classroom: one the caller teaches or attends, or null. */
export async function classroom(_: unknown, args: { id: string }, ctx: GraphQLContext) {
  try {
    return await getClassroom(ctx.database, requireUser(ctx).id, args.id);
  } catch (err) {
    if (err instanceof AccountError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}
