import { containerPlan, type Plan } from "../../kube/runtime/container-plan.ts";
import { pullImage } from "../../kube/runtime/images.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { containerRefs } from "./containers.ts";

/**
 * What each container of the pod does once started, planned before a sync (the sync itself is
 * synchronous; a container's shell is not): by container name. Containers whose image does not
 * pull never start, and get no plan.
 */
export async function planContainers(pod: Pod): Promise<Map<string, Plan>> {
  const plans = new Map<string, Plan>();
  for (const ref of containerRefs(pod.spec ?? {})) {
    const pull = pullImage(ref.spec.image ?? "");
    if (pull.ok) plans.set(ref.spec.name, await containerPlan(pod, ref.spec, pull.info));
  }
  return plans;
}
