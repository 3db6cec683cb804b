import type { Database } from "../../db/connection.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { containerExited } from "./task.ts";

/**
 * What an entry point hands the API for a pod's streams (api/kube/remote-command.ts's
 * ContainerExited): an attached container whose process ended, told to its pod's kubelet as its
 * runtime would tell it.
 */
export function tellKubelet(
  database: Database,
): (sandboxId: string, pod: Pod, container: Container, exitCode: number) => Promise<void> {
  return (sandboxId, pod, container, exitCode) =>
    containerExited(
      database,
      sandboxId,
      { namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "" },
      { podUid: pod.metadata.uid ?? "", container: container.name, exitCode },
    );
}
