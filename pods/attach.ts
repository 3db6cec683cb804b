import type { Database } from "../db/connection.ts";
import { viewAs } from "../kube/kinds/kind.ts";
import { podKind } from "../kube/kinds/pod/index.ts";
import { timestamp } from "../kube/object.ts";
import type { Container, ContainerStatus, Pod } from "../kube/types/core-v1.ts";
import { inSandbox } from "../registry/transaction.ts";
import { replaceObject } from "../registry/update.ts";

/**
 * The end of an attached process's stdin (`kubectl run -i`, stdinOnce): the shell that read it
 * reaches end of file and exits with its last command's status, so the container ends — as its
 * runtime would report to the kubelet. With restartPolicy Never (or OnFailure and a clean
 * exit) and every container ended, the pod is done: Succeeded, or Failed on a non-zero code.
 */
export async function stdinClosed(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  exitCode: number,
  nowMs: number,
): Promise<void> {
  if (!container.stdinOnce) return;
  await inSandbox(database, sandboxId, async (w) => {
    const current = await w.get({
      resource: "pods",
      namespace: pod.metadata.namespace ?? "",
      name: pod.metadata.name ?? "",
    });
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    const live = viewAs(podKind, current);
    const statuses = live.status?.containerStatuses ?? [];
    const mine = statuses.find((s) => s.name === container.name);
    if (!mine?.state?.running) return;
    const ended: ContainerStatus = {
      ...mine,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? "Completed" : "Error",
          startedAt: mine.state.running.startedAt,
          finishedAt: timestamp(new Date(nowMs)),
          containerID: mine.containerID ?? "",
        },
      },
    };
    const next = statuses.map((s) => (s.name === container.name ? ended : s));
    const policy = live.spec?.restartPolicy || "Always";
    const done = next.every((s) => s.state?.terminated);
    const status = { ...live.status, containerStatuses: next };
    if (
      done &&
      (policy === "Never" ||
        (policy === "OnFailure" && next.every((s) => s.state?.terminated?.exitCode === 0)))
    ) {
      status.phase = next.every((s) => s.state?.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
      status.conditions = (status.conditions ?? []).map((c) =>
        c.type === "Ready" || c.type === "ContainersReady"
          ? { ...c, status: "False", reason: "PodCompleted", lastTransitionTime: timestamp(new Date(nowMs)) }
          : c,
      );
    }
    await replaceObject(w, podKind, live, { ...live, status }, "status", { fieldManager: "kubelet" });
  });
}
