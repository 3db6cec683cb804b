import { onRevocation } from "../../accounts/access-cache.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { statusesOf } from "../../pods/container-refs.ts";
import { readObject } from "../../registry/read.ts";
import { coalesced } from "../coalesced.ts";
import type { KubeRequestContext } from "./context.ts";

/**
 * Why an open session into a container (exec, attach) ends before its process does: its token
 * or sandbox was revoked, or the container stopped under it — the pod deleted (forced or at the
 * end of its grace period), or the container restarted — which kills every process in it.
 */
export type SessionEnd = "revoked" | "containerStopped";

/**
 * Watches, for as long as a session is open, for what ends it from outside: revocation notices
 * (or a fresh access check where none can arrive), and the sandbox's changes, after which the
 * pod is read again. Calls `end` once; returns the function that stops watching.
 */
export function whileContainerRuns(
  ctx: KubeRequestContext,
  pod: Pod,
  container: Container,
  end: (why: SessionEnd) => void,
): () => void {
  let over = false;
  const runId = statusesOf(pod).find((s) => s.name === container.name)?.containerID;
  const finish = (why: SessionEnd) => {
    if (over) return;
    stop();
    end(why);
  };
  const stillRuns = async (): Promise<boolean> => {
    try {
      const now = viewAs(
        podKind,
        await readObject(ctx.database, ctx.sandboxId, podKind, {
          namespace: pod.metadata.namespace ?? "",
          name: pod.metadata.name ?? "",
        }),
      );
      const status = statusesOf(now).find((s) => s.name === container.name);
      return (
        now.metadata.uid === pod.metadata.uid && status?.containerID === runId && !!status?.state?.running
      );
    } catch {
      // Not found: the pod is gone.
      return false;
    }
  };
  const check = coalesced(async () => {
    if (!(await stillRuns())) finish("containerStopped");
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
  return stop;
}
