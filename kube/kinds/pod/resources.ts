import { compareQuantities } from "../../quantity/quantity.ts";
import { addLists, type ResourceList, readResourceList } from "../../quantity/resource-list.ts";
import type { Container, Pod } from "../../types/core-v1.ts";

/**
 * A pod's containers' resources read as quantities, and the pod's effective requests and limits
 * (resourcehelper.PodRequests / PodLimits): containers add up; an init container counts only
 * while it runs, so the pod needs the larger of the two; sidecars (restartable init containers)
 * run alongside and add up too.
 */

/** One container's resources. */
export interface ContainerResources {
  name: string;
  requests: ResourceList;
  limits: ResourceList;
  /** A sidecar: an init container with restartPolicy Always. */
  restartable: boolean;
}

function readContainers(list: Container[] | undefined, init: boolean): ContainerResources[] {
  return (list ?? []).map((c) => ({
    name: c.name,
    requests: readResourceList(c.resources?.requests),
    limits: readResourceList(c.resources?.limits),
    restartable: init && c.restartPolicy === "Always",
  }));
}

/** spec.containers and spec.initContainers of a pod, their resources read as quantities. */
export function podContainers(pod: Pod): {
  containers: ContainerResources[];
  initContainers: ContainerResources[];
} {
  const spec = pod.spec ?? {};
  return {
    containers: readContainers(spec.containers, false),
    initContainers: readContainers(spec.initContainers, true),
  };
}

/** maxResourceList: each name at the larger of the two. */
function maxInto(list: ResourceList, other: ResourceList): ResourceList {
  const out = new Map(list);
  for (const [name, q] of other) {
    const mine = out.get(name);
    if (!mine || compareQuantities(q, mine) > 0) out.set(name, q);
  }
  return out;
}

function podTotal(pod: Pod, pick: (c: ContainerResources) => ResourceList): ResourceList {
  const { containers, initContainers } = podContainers(pod);
  let total: ResourceList = new Map();
  for (const c of containers) total = addLists(total, pick(c));
  let sidecars: ResourceList = new Map();
  let init: ResourceList = new Map();
  for (const c of initContainers) {
    let running: ResourceList;
    if (c.restartable) {
      total = addLists(total, pick(c));
      sidecars = addLists(sidecars, pick(c));
      running = sidecars;
    } else running = addLists(pick(c), sidecars);
    init = maxInto(init, running);
  }
  return maxInto(total, init);
}

/** The pod's effective requests. */
export function podRequests(pod: Pod): ResourceList {
  return podTotal(pod, (c) => c.requests);
}

/** The pod's effective limits. */
export function podLimits(pod: Pod): ResourceList {
  return podTotal(pod, (c) => c.limits);
}
