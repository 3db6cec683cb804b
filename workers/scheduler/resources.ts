import { podRequests } from "../../kube/kinds/pod/resources.ts";
import { quantityMilliValue, quantityValue } from "../../kube/quantity/quantity.ts";
import { addLists, type ResourceList, readResourceList } from "../../kube/quantity/resource-list.ts";
import type { Pod } from "../../kube/types/core-v1.ts";

/**
 * framework.Resource: what a node offers or a pod asks for, in the scheduler's units (CPU in
 * millicores, memory and ephemeral storage in bytes, the rest — hugepages, extended resources —
 * in whole units).
 */
export interface Resources {
  milliCPU: bigint;
  memory: bigint;
  ephemeralStorage: bigint;
  scalar: Map<string, bigint>;
}

/** No resources. */
export function emptyResources(): Resources {
  return { milliCPU: 0n, memory: 0n, ephemeralStorage: 0n, scalar: new Map() };
}

/** A ResourceList in the scheduler's units; `pods` is not a resource a pod requests, so it is left out. */
export function toResources(list: ResourceList): Resources {
  const out = emptyResources();
  for (const [name, q] of list) {
    if (name === "cpu") out.milliCPU = quantityMilliValue(q);
    else if (name === "memory") out.memory = quantityValue(q);
    else if (name === "ephemeral-storage") out.ephemeralStorage = quantityValue(q);
    else if (name !== "pods") out.scalar.set(name, quantityValue(q));
  }
  return out;
}

/** Adds `b` into `a`. */
export function addInto(a: Resources, b: Resources): void {
  a.milliCPU += b.milliCPU;
  a.memory += b.memory;
  a.ephemeralStorage += b.ephemeralStorage;
  for (const [name, v] of b.scalar) a.scalar.set(name, (a.scalar.get(name) ?? 0n) + v);
}

/** A pod's effective requests (containers, init containers, sidecars) plus its overhead. */
export function podRequestResources(pod: Pod): Resources {
  const overhead = readResourceList(pod.spec?.overhead);
  return toResources(addLists(podRequests(pod), overhead));
}

/** What the scoring plugins assume for a container that requests nothing (schedutil's defaults). */
const defaultMilliCPU = 100n;
const defaultMemory = 200n * 1024n * 1024n;

/** A pod's requests for scoring: CPU and memory, each container's missing request taken as the default. */
export function nonZeroRequests(pod: Pod): { milliCPU: bigint; memory: bigint } {
  let milliCPU = 0n;
  let memory = 0n;
  for (const c of pod.spec?.containers ?? []) {
    const r = toResources(readResourceList(c.resources?.requests));
    milliCPU += r.milliCPU || defaultMilliCPU;
    memory += r.memory || defaultMemory;
  }
  return { milliCPU, memory };
}
