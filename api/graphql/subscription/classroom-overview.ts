import { Repeater } from "graphql-yoga";
import { onRevocation } from "../../../accounts/access-cache.ts";
import {
  glanceCache,
  classroomOverview as overviewOf,
  type StudentOverview,
  studentSandboxes,
} from "../../../accounts/classroom-overview.ts";
import { userForToken } from "../../../accounts/users.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** The shortest time between two overviews: a class's burst of writes becomes one. */
const settleMs = 250;
/** How often the class's membership is looked at again, so a student who joins is watched too. */
const membershipEveryMs = 2_000;

/**
 * Subscription.classroomOverview: the overview at once, then again after any student's sandbox
 * changes (woken by the change feed, at most every 250 ms, and less often for a class whose
 * overview takes long to make: never more than a fifth of the time), reading again only the
 * sandboxes that changed. Students who join meanwhile are noticed within 2 s (one indexed query)
 * and watched from then on. Ends when the caller's login token is revoked.
 */
async function subscribe(_: unknown, args: { classroomId: string }, ctx: GraphQLContext) {
  const user = requireUser(ctx);
  // Refuses a class the caller does not teach, before anything is sent.
  await studentSandboxes(ctx.database, user.id, args.classroomId);
  return new Repeater<StudentOverview[]>(async (push, stop) => {
    const watched = new Map<string, () => void>();
    const cache = glanceCache();
    /** Follows the changes of the students' sandboxes not followed yet (before they are read). */
    const watch = (sandboxIds: string[]) => {
      for (const id of sandboxIds)
        if (!watched.has(id))
          watched.set(
            id,
            ctx.feed.subscribe(id, () => {
              cache.changed.add(id);
              schedule();
            }),
          );
    };
    let timer: ReturnType<typeof setTimeout> | null = null;
    let busy = false;
    /** How long the last overview took to compute: a big class's is made less often. */
    let lastMs = 0;
    const send = async () => {
      timer = null;
      if (busy) return schedule();
      busy = true;
      try {
        const started = performance.now();
        const overview = await overviewOf(ctx.database, user.id, args.classroomId, cache, watch);
        lastMs = performance.now() - started;
        await push(overview);
      } catch (err) {
        stop(err);
      } finally {
        busy = false;
      }
    };
    function schedule() {
      // At most a fifth of the time spent on one subscriber's overview, whatever the class's size.
      timer ??= setTimeout(() => void send(), Math.max(settleMs, lastMs * 5));
    }
    const recheck = () => {
      if (ctx.tokenId)
        void userForToken(ctx.database, ctx.tokenId, user.id).then((still) => still || stop(), stop);
    };
    const unrevoke = onRevocation(ctx.database, {
      revoked: (r) => r.what === "token" && r.id === ctx.tokenId && stop(),
      lost: recheck,
    });
    const membership = setInterval(() => {
      studentSandboxes(ctx.database, user.id, args.classroomId).then(
        (ids) => ids.some((id) => !watched.has(id)) && schedule(),
        (err) => stop(err),
      );
    }, membershipEveryMs);
    // A revocation before the listener was in place (the context was made earlier): look once.
    if (ctx.tokenId && !(await userForToken(ctx.database, ctx.tokenId, user.id))) stop();
    else void send();
    await stop;
    clearInterval(membership);
    if (timer) clearTimeout(timer);
    for (const unsubscribe of watched.values()) unsubscribe();
    unrevoke();
  });
}

/** Subscription.classroomOverview. */
export const classroomOverview = { subscribe, resolve: (overview: StudentOverview[]) => overview };
