import type { Student as StudentRow } from "../../../accounts/classrooms.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Student: who, their sandbox as the viewer may see it (read-only to the instructor), their limits. */
export const Student = {
  user: (s: StudentRow) => ({ id: s.userId, email: s.email }),
  sandbox: (s: StudentRow, _: unknown, ctx: GraphQLContext) => {
    requireUser(ctx);
    return s.sandboxId ? ctx.loaders.sandbox.load(s.sandboxId) : null;
  },
  limits: (s: StudentRow) => ({ maxSandboxes: s.maxSandboxes, maxObjects: s.maxObjects, maxPods: s.maxPods }),
};
