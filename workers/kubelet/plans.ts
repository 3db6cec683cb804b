import { containerPlan, type Plan } from "../../kube/runtime/container-plan.ts";
import { pullImage } from "../../kube/runtime/images.ts";
import type { ReadObjects } from "../../kube/runtime/shell/world.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { containerEnv } from "../../pods/env.ts";
import { containerRefs } from "./containers.ts";

/**
 * What each container of the pod does once started, planned before a sync (the sync itself is
 * synchronous; a container's shell is not): by container name, with the environment each gets.
 * Containers whose image does not pull never start, and get no plan.
 */
export async function planContainers(
  pod: Pod,
  objects: ReadObjects,
  now: number,
): Promise<Map<string, Plan>> {
  const plans = new Map<string, Plan>();
  for (const ref of containerRefs(pod.spec ?? {})) {
    const pull = pullImage(ref.spec.image ?? "");
    if (!pull.ok) continue;
    // The environment as the container gets it (secret keys, service variables): postgres
    // given its password through a Secret starts.
    const env = await containerEnv(pod, ref.spec, objects, now);
    plans.set(ref.spec.name, await containerPlan(pod, ref.spec, pull.info, { env, objects }));
  }
  return plans;
}
