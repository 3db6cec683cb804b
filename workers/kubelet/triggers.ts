import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { kubeletShouldLook } from "../../kube/kinds/pod/state.ts";
import type { Trigger } from "../queue/controller.ts";
import { kubeletJob, waitingPodsTask } from "./jobs.ts";
import { podsWaiting } from "./waiting-pods.ts";

/** A bound pod its kubelet has something new to do with: the kubelet syncs it. */
const podWritten: Trigger = (w) =>
  w.type !== "DELETED" && kubeletShouldLook(viewAs(podKind, w.object))
    ? [kubeletJob(w.namespace, w.name)]
    : [];

/**
 * A Secret or ConfigMap written may be what a pod of its namespace waits for (to mount it, or
 * to make a container's env from it); its kubelet looks again now rather than at its next
 * retry. Only where such a pod exists.
 */
const referencedWritten: Trigger = (w) =>
  w.type === "DELETED"
    ? []
    : [
        waitingPodsTask.job(
          { namespace: w.namespace },
          { onlyIf: { resources: ["pods"], namespace: w.namespace, condition: podsWaiting } },
        ),
      ];

/** The kubelet's trigger rules. */
export const kubeletTriggers = {
  pods: [podWritten],
  secrets: [referencedWritten],
  configmaps: [referencedWritten],
};
