import { GraphQLError } from "graphql";
import { Repeater } from "graphql-yoga";
import { sandboxScope } from "../../../accounts/access.ts";
import { onRevocation } from "../../../accounts/access-cache.ts";
import { userForToken } from "../../../accounts/users.ts";
import { Notices, sharedChangesAfter } from "../../../db/store/changes.ts";
import { currentRevision } from "../../../db/store/reads.ts";
import { coalesced } from "../../coalesced.ts";
import { readableSandbox } from "../cluster/access.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** One event of Subscription.sandboxChanges. */
export interface SandboxChangeEvent {
  type: string;
  revision: string;
  object: ObjectRef;
}

function badRevision(value: string): GraphQLError {
  return new GraphQLError(`fromRevision: Invalid value: "${value.slice(0, 100)}": must be a number`, {
    extensions: { code: "BAD_USER_INPUT" },
  });
}

/**
 * Subscription.sandboxChanges: the sandbox's change log after a revision, in order, woken by the
 * change feed as kubectl's watches are (api/kube/watch.ts), from the same log
 * (db/store/changes.ts), one read shared by every subscriber at the same revision. It ends when the caller's login token is revoked, the sandbox is
 * deleted (in any process: the revocation NOTIFY), or the caller can no longer read it (a
 * student removed from the class); a revision the log no longer holds ends it with GONE.
 */
export async function subscribeSandboxChanges(
  _: unknown,
  args: { sandboxId: string; fromRevision?: string | null },
  ctx: GraphQLContext,
): Promise<Repeater<SandboxChangeEvent>> {
  const user = requireUser(ctx);
  const scope = await readableSandbox(ctx, args.sandboxId);
  const from = args.fromRevision ?? null;
  if (from !== null && !/^\d{1,18}$/.test(from)) throw badRevision(from);
  let revision =
    from === null ? ((await currentRevision(ctx.database.sql, args.sandboxId)) ?? 0) : Number(from);
  const sandboxId = args.sandboxId;

  return new Repeater<SandboxChangeEvent>(async (push, stop) => {
    let ended = false;
    const end = (err?: unknown) => {
      ended = true;
      stop(err);
      return false;
    };
    const notices = new Notices();
    const catchUp = coalesced(async () => {
      try {
        let full = false;
        let upTo = notices.next(revision);
        if (upTo === false) return !ended;
        do {
          const batch = await sharedChangesAfter(ctx.database, sandboxId, null, null, revision, upTo);
          upTo = null;
          if (!batch) return end();
          if (revision < batch.compacted)
            return end(
              new GraphQLError(`too old resource version: ${revision} (${batch.compacted})`, {
                extensions: { code: "GONE" },
              }),
            );
          for (const change of batch.changes) {
            revision = change.revision;
            await push({
              type: change.type,
              revision: String(change.revision),
              object: { sandboxId, scope, obj: change.object },
            });
          }
          full = batch.changes.length === 500;
        } while (full);
        return !ended;
      } catch (err) {
        return end(err);
      }
    });
    const unsubscribe = ctx.feed.subscribe(sandboxId, (reached) => {
      notices.note(reached);
      void catchUp();
    });
    const recheckScope = () =>
      void sandboxScope(ctx.database, user.id, sandboxId).then((still) => still || stop(), stop);
    const unrevoke = onRevocation(ctx.database, {
      revoked: (r) => {
        if ((r.what === "token" && r.id === ctx.tokenId) || (r.what === "sandbox" && r.id === sandboxId))
          stop();
        else if (r.what === "grants" && r.id === sandboxId) recheckScope();
      },
      // Notices may have been missed: the token and the access, looked up again.
      lost: () => {
        if (ctx.tokenId)
          void userForToken(ctx.database, ctx.tokenId, user.id).then((still) => still || stop(), stop);
        recheckScope();
      },
    });
    // A revocation before the listener was in place (the context was made earlier): look once.
    if (ctx.tokenId && !(await userForToken(ctx.database, ctx.tokenId, user.id))) stop();
    else void catchUp();
    await stop;
    unsubscribe();
    unrevoke();
  });
}

/** Subscription.sandboxChanges: subscribe above, each event as it is. */
export const sandboxChanges = {
  subscribe: subscribeSandboxChanges,
  resolve: (event: SandboxChangeEvent) => event,
};
