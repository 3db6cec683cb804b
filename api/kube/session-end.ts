import { onRevocation } from "../../accounts/access-cache.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { statusesOf } from "../../pods/container-refs.ts";
import { readObject } from "../../registry/read.ts";
import { coalesced } from "../coalesced.ts";
import type { KubeRequestContext } from "./context.ts";

/**
 * Why an open stream into a pod (exec, attach, port-forward) ends from outside: its token or
 * sandbox was revoked, or what it reaches stopped under it — the pod deleted (forced or at the
 * end of its grace period), or, for a session in a container, the container restarted, which
 * kills every process in it.
 */
export type SessionEnd = "revoked" | "stopped";

/**
 * Watches, for as long as a stream is open, for what ends it from outside: revocation notices
 * (or a fresh access check where none can arrive), and the sandbox's changes, after which the
 * pod is read again and `stillOn` asked of it (null: the pod is gone). Calls `end` once;
 * returns the function that stops watching.
 */
function whilePodHolds(
  ctx: KubeRequestContext,
  pod: Pod,
  stillOn: (now: Pod) => boolean,
  end: (why: SessionEnd) => void,
): () => void {
  let over = false;
  const finish = (why: SessionEnd) => {
    if (over) return;
    stop();
    end(why);
  };
  const holds = async (): Promise<boolean> => {
    try {
      const now = viewAs(
        podKind,
        await readObject(ctx.database, ctx.sandboxId, podKind, {
          namespace: pod.metadata.namespace ?? "",
          name: pod.metadata.name ?? "",
        }),
      );
      return now.metadata.uid === pod.metadata.uid && stillOn(now);
    } catch {
      // Not found: the pod is gone.
      return false;
    }
  };
  const check = coalesced(async () => {
    if (!(await holds())) finish("stopped");
    return !over;
  });
  const unsubscribe = ctx.feed.subscribe(ctx.sandboxId, () => void check());
  const unrevoke = onRevocation(ctx.database, {
    revoked: ({ what, id }) => {
      if ((what === "token" && id === ctx.caller.tokenId) || (what === "sandbox" && id === ctx.sandboxId))
        finish("revoked");
    },
    lost: () => void ctx.stillAllowed().then((ok) => ok || finish("revoked")),
  });
  function stop() {
    over = true;
    unsubscribe();
    unrevoke();
  }
  // What happened between the request's read of the pod and now (a delete) is looked at once.
  void check();
  return stop;
}

/** An exec or attach session: ends when its container's run stops (or the pod goes), or on revocation. */
export function whileContainerRuns(
  ctx: KubeRequestContext,
  pod: Pod,
  container: Container,
  end: (why: SessionEnd) => void,
): () => void {
  const runId = statusesOf(pod).find((s) => s.name === container.name)?.containerID;
  return whilePodHolds(
    ctx,
    pod,
    (now) => {
      const status = statusesOf(now).find((s) => s.name === container.name);
      return status?.containerID === runId && !!status?.state?.running;
    },
    end,
  );
}

/** A port-forward: ends when its pod stops running (or goes), or on revocation. */
export function whilePodRuns(ctx: KubeRequestContext, pod: Pod, end: (why: SessionEnd) => void): () => void {
  return whilePodHolds(ctx, pod, (now) => now.status?.phase === "Running", end);
}
