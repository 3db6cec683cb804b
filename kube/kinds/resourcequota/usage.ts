import type { KubeObject } from "../../object.ts";
import { newQuantity, type Quantity, tryQuantity } from "../../quantity/quantity.ts";
import { addLists, type ResourceList } from "../../quantity/resource-list.ts";
import { isNativeResource } from "../../quantity/resource-names.ts";
import type { PersistentVolumeClaim, Pod, Service } from "../../types/core-v1.ts";
import { viewAs } from "../kind.ts";
import { podKind } from "../pod/index.ts";
import { podContainers, podLimits, podRequests } from "../pod/resources.ts";
import { serviceKind } from "../service/index.ts";

/**
 * What one object uses of a namespace's quota, per resource name (pkg/quota/v1/evaluator/core and
 * the generic object counter): every object counts as count/<resource>; pods add their compute
 * requests and limits, services their node ports and load balancers, claims their storage.
 */

const one = () => newQuantity(1);
const zero = () => newQuantity(0);

/** The core resources whose count also has a short name ("configmaps" beside "count/configmaps"). */
const aliased = new Set(["configmaps", "resourcequotas", "replicationcontrollers", "secrets"]);

const podNames = new Set([
  "count/pods",
  "pods",
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
]);
const serviceNames = new Set(["count/services", "services", "services.loadbalancers", "services.nodeports"]);
const claimNames = new Set(["count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"]);
const storageClassSuffix = ".storageclass.storage.k8s.io/";

/** The count/ name of a storage resource: "count/pods", "count/deployments.apps". */
export function countName(resource: string): string {
  return `count/${resource}`;
}

/** Whether the evaluator of `resource` tracks the quota resource `name` (MatchingResources). */
export function tracks(resource: string, name: string): boolean {
  if (name === countName(resource)) return true;
  switch (resource) {
    case "pods":
      return (
        podNames.has(name) ||
        name.startsWith("hugepages-") ||
        name.startsWith("requests.hugepages-") ||
        (name.startsWith("requests.") && !isNativeResource(name))
      );
    case "services":
      return serviceNames.has(name);
    case "persistentvolumeclaims":
      return (
        claimNames.has(name) ||
        (name.includes(storageClassSuffix) &&
          ["requests.storage", "persistentvolumeclaims"].includes(name.split(storageClassSuffix)[1] ?? ""))
      );
    default:
      return aliased.has(resource) && name === resource;
  }
}

/** The storage resources whose objects a quota limiting `name` counts. */
export function resourcesFor(name: string): string[] {
  if (name.startsWith("count/")) return [name.slice("count/".length)];
  return ["pods", "services", "persistentvolumeclaims", ...aliased].filter((r) => tracks(r, name));
}

/** QuotaV1Pod: pods that finished, or whose deletion grace ran out, no longer hold compute. */
function holdsCompute(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  const deletion = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && now > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

/** podComputeUsageHelper: pods = 1, and requests and limits under their quota names. */
function podCompute(requests: ResourceList, limits: ResourceList): ResourceList {
  const usage: ResourceList = new Map([["pods", one()]]);
  for (const name of ["cpu", "memory", "ephemeral-storage"]) {
    const req = requests.get(name);
    const lim = limits.get(name);
    if (req) usage.set(name, req).set(`requests.${name}`, req);
    if (lim) usage.set(`limits.${name}`, lim);
  }
  for (const [name, req] of requests) {
    if (name.startsWith("hugepages-")) usage.set(name, req).set(`requests.${name}`, req);
    else if (!isNativeResource(name)) usage.set(`requests.${name}`, req);
  }
  return usage;
}

function podUsage(pod: Pod, now: number): ResourceList {
  const usage: ResourceList = new Map([[countName("pods"), one()]]);
  if (!holdsCompute(pod, now)) return usage;
  return addLists(usage, podCompute(podRequests(pod), podLimits(pod)));
}

function serviceUsage(svc: Service): ResourceList {
  const ports = svc.spec?.ports ?? [];
  let nodePorts = zero();
  let balancers = zero();
  if (svc.spec?.type === "NodePort") nodePorts = newQuantity(ports.length);
  if (svc.spec?.type === "LoadBalancer") {
    // Without node port allocation, only ports that name one explicitly take one.
    const explicit = svc.spec.allocateLoadBalancerNodePorts === false;
    nodePorts = newQuantity(explicit ? ports.filter((p) => p.nodePort).length : ports.length);
    balancers = one();
  }
  return new Map([
    [countName("services"), one()],
    ["services", one()],
    ["services.loadbalancers", balancers],
    ["services.nodeports", nodePorts],
  ]);
}

function claimUsage(claim: PersistentVolumeClaim): ResourceList {
  const usage: ResourceList = new Map([
    [countName("persistentvolumeclaims"), one()],
    ["persistentvolumeclaims", one()],
  ]);
  const storageClass = claim.spec?.storageClassName ?? "";
  if (storageClass) usage.set(`${storageClass}${storageClassSuffix}persistentvolumeclaims`, one());
  const storage: Quantity | null = tryQuantity(claim.spec?.resources?.requests?.storage);
  if (storage) {
    usage.set("requests.storage", storage);
    if (storageClass) usage.set(`${storageClass}${storageClassSuffix}requests.storage`, storage);
  }
  return usage;
}

/** Evaluator.Usage: what `obj`, stored under `resource`, uses. */
export function usageOf(resource: string, obj: KubeObject, now = Date.now()): ResourceList {
  if (resource === "pods") return podUsage(viewAs(podKind, obj), now);
  if (resource === "services") return serviceUsage(viewAs(serviceKind, obj));
  // No PersistentVolumeClaim kind is served (so no viewAs): were one added, its objects would have this type.
  if (resource === "persistentvolumeclaims") return claimUsage(obj as PersistentVolumeClaim);
  const usage: ResourceList = new Map([[countName(resource), one()]]);
  if (aliased.has(resource)) usage.set(resource, one());
  return usage;
}

/** The compute names whose quota requires every container to state them (the pod evaluator's "mistake"). */
const requiredCompute = ["cpu", "limits.cpu", "limits.memory", "memory", "requests.cpu", "requests.memory"];

/**
 * The pod evaluator's Constraints: when a quota limits cpu or memory, every container (and init
 * container) must state it. The message names what is missing, and for which containers.
 */
export function podConstraintProblem(pod: Pod, limited: string[]): string | null {
  const required = requiredCompute.filter((name) => limited.includes(name));
  const missing = new Map<string, Set<string>>();
  const { containers, initContainers } = podContainers(pod);
  for (const c of [...containers, ...initContainers]) {
    const has = podCompute(c.requests, c.limits);
    for (const name of required)
      if (!has.has(name)) missing.set(name, (missing.get(name) ?? new Set()).add(c.name));
  }
  if (!missing.size) return null;
  const parts = [...missing.keys()]
    .sort()
    .map((name) => `${name} for: ${[...(missing.get(name) as Set<string>)].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}
