import type { Database } from "../../db/connection.ts";
import { listObjects } from "../../db/store.ts";
import type { KubeObject } from "../../kube/object.ts";
import { record, records, text } from "../../kube/validation/json.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../done.ts";
import { messages } from "../kubelet/messages.ts";

/** The payload: which namespace had a Secret or ConfigMap written. */
export interface WaitingPodsJob {
  sandbox: string;
  namespace: string;
}

/** A pod its kubelet took on but could not start: volumes not set up, or a config refused. */
function waiting(pod: KubeObject): boolean {
  const status = record(pod.status);
  if (status.phase !== "Pending" || !text(status.hostIP)) return false;
  if (status.podIP === undefined) return true;
  return [...records(status.initContainerStatuses), ...records(status.containerStatuses)].some(
    (s) => text(record(record(s.state).waiting).reason) === messages.configError,
  );
}

/** Wakes the kubelet of every such pod of the namespace now. */
export async function wakeWaitingPods(database: Database, job: WaitingPodsJob): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const pods = (await listObjects(w.tx, w.sandboxId, "pods", job.namespace))?.items ?? [];
      for (const pod of pods.filter(waiting)) {
        const name = pod.metadata.name ?? "";
        w.enqueue({
          task: "kubelet",
          key: `${job.namespace}/${name}`,
          payload: { namespace: job.namespace, name },
        });
      }
    }),
  );
}
