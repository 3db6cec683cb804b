import type { AdmissionPlugin, AdmissionRequest } from "../../admission/plugin.ts";
import { forbidden } from "../../errors.ts";
import { formatQuantity, type Quantity, quantityMilliValue } from "../../quantity/quantity.ts";
import { type ResourceList, readResourceList } from "../../quantity/resource-list.ts";
import type { Quantity as JsonQuantity } from "../../types/apimachinery.ts";
import type { LimitRange, Pod, ResourceRequirements } from "../../types/core-v1.ts";
import { viewAs } from "../kind.ts";
import { podKind } from "../pod/index.ts";
import { podContainers, podLimits, podRequests } from "../pod/resources.ts";
import { podQOSClass } from "../pod/spec/resources.ts";
import { limitRangeKind } from "./index.ts";
import type { LimitItem } from "./validation.ts";

const annotation = "kubernetes.io/limit-ranger";

/** Pods on create only: containers cannot change afterwards, so an update has nothing to default. */
function handles(req: AdmissionRequest): boolean {
  return req.operation === "CREATE" && !req.subresource;
}

/** A stored LimitRange's spec.limits, each item's lists read as quantities. */
export function rangeItems(range: LimitRange): LimitItem[] {
  return (range.spec?.limits ?? []).map((item) => ({
    type: item.type,
    lists: {
      max: readResourceList(item.max),
      min: readResourceList(item.min),
      default: readResourceList(item.default),
      defaultRequest: readResourceList(item.defaultRequest),
      maxLimitRequestRatio: readResourceList(item.maxLimitRequestRatio),
    },
  }));
}

async function limitRanges(req: AdmissionRequest, pod: Pod): Promise<LimitItem[][]> {
  const ranges = await req.objects.list("limitranges", pod.metadata.namespace ?? "");
  return ranges.map((range) => rangeItems(viewAs(limitRangeKind, range)));
}

/** Sets `names` from `defaults` where the container's list lacks them; returns the names set. */
function fill(
  resources: ResourceRequirements,
  key: "requests" | "limits",
  defaults: Map<string, string>,
): string[] {
  const list: Record<string, JsonQuantity> = { ...resources[key] };
  const set = [...defaults].filter(([name]) => !Object.hasOwn(list, name));
  if (!set.length) return [];
  for (const [name, q] of set) list[name] = q;
  resources[key] = Object.fromEntries(Object.entries(list).sort(([a], [b]) => (a < b ? -1 : 1)));
  return set.map(([name]) => name).sort();
}

/**
 * PodMutateLimitFunc for one LimitRange: its Container defaults (`defaultRequest` → requests,
 * `default` → limits) fill what each container and init container leaves unset, and the pod is
 * annotated with what was set.
 */
export function applyLimitRangeDefaults(items: LimitItem[], pod: Pod): void {
  const requests = new Map<string, string>();
  const limits = new Map<string, string>();
  for (const item of items.filter((i) => i.type === "Container")) {
    for (const [name, q] of item.lists.defaultRequest) requests.set(name, formatQuantity(q));
    for (const [name, q] of item.lists.default) limits.set(name, formatQuantity(q));
  }
  const notes: string[] = [];
  for (const [key, label] of [
    ["containers", "container"],
    ["initContainers", "init container"],
  ] as const) {
    for (const c of pod.spec?.[key] ?? []) {
      const resources = c.resources ?? {};
      const setLimits = fill(resources, "limits", limits);
      const setRequests = fill(resources, "requests", requests);
      if (setLimits.length || setRequests.length) c.resources = resources;
      if (setRequests.length) notes.push(`${setRequests.join(", ")} request for ${label} ${c.name}`);
      if (setLimits.length) notes.push(`${setLimits.join(", ")} limit for ${label} ${c.name}`);
    }
  }
  if (notes.length)
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [annotation]: `LimitRanger plugin set: ${notes.join("; ")}`,
    };
}

const milli = quantityMilliValue;

/** minConstraint: the request (and any limit) at least the enforced minimum. */
function minConstraint(
  type: string,
  name: string,
  min: Quantity,
  requests: ResourceList,
  limits: ResourceList,
) {
  const req = requests.get(name);
  const lim = limits.get(name);
  const s = formatQuantity(min);
  if (!req) return `minimum ${name} usage per ${type} is ${s}.  No request is specified`;
  if (milli(req) < milli(min))
    return `minimum ${name} usage per ${type} is ${s}, but request is ${formatQuantity(req)}`;
  if (lim && milli(lim) < milli(min))
    return `minimum ${name} usage per ${type} is ${s}, but limit is ${formatQuantity(lim)}`;
  return null;
}

/** maxConstraint: a limit is required, and it (and any request) at most the enforced maximum. */
function maxConstraint(
  type: string,
  name: string,
  max: Quantity,
  requests: ResourceList,
  limits: ResourceList,
) {
  const req = requests.get(name);
  const lim = limits.get(name);
  const s = formatQuantity(max);
  if (!lim) return `maximum ${name} usage per ${type} is ${s}.  No limit is specified`;
  if (milli(lim) > milli(max))
    return `maximum ${name} usage per ${type} is ${s}, but limit is ${formatQuantity(lim)}`;
  if (req && milli(req) > milli(max))
    return `maximum ${name} usage per ${type} is ${s}, but request is ${formatQuantity(req)}`;
  return null;
}

/** limitRequestRatioConstraint: limit / request at most the enforced ratio. */
function ratioConstraint(
  type: string,
  name: string,
  ratio: Quantity,
  requests: ResourceList,
  limits: ResourceList,
) {
  const req = requests.get(name);
  const lim = limits.get(name);
  const s = formatQuantity(ratio);
  if (!req || milli(req) === 0n)
    return `${name} max limit to request ratio per ${type} is ${s}, but no request is specified or request is 0`;
  if (!lim || milli(lim) === 0n)
    return `${name} max limit to request ratio per ${type} is ${s}, but no limit is specified or limit is 0`;
  const observed = Number(milli(lim)) / Number(milli(req));
  if (observed * 1000 > Number(milli(ratio)))
    return `${name} max limit to request ratio per ${type} is ${s}, but provided ratio is ${observed.toFixed(6)}`;
  return null;
}

function check(item: LimitItem, requests: ResourceList, limits: ResourceList): string[] {
  const problems: (string | null)[] = [];
  for (const [name, q] of item.lists.min) problems.push(minConstraint(item.type, name, q, requests, limits));
  for (const [name, q] of item.lists.max) problems.push(maxConstraint(item.type, name, q, requests, limits));
  for (const [name, q] of item.lists.maxLimitRequestRatio)
    problems.push(ratioConstraint(item.type, name, q, requests, limits));
  return problems.filter((p): p is string => p !== null);
}

/** PodValidateLimitFunc for one LimitRange: per-container and per-pod bounds; the problems found. */
export function limitRangeViolations(items: LimitItem[], pod: Pod): string[] {
  const problems: string[] = [];
  const { containers, initContainers } = podContainers(pod);
  for (const item of items) {
    if (item.type === "Container")
      for (const c of [...containers, ...initContainers]) problems.push(...check(item, c.requests, c.limits));
    if (item.type === "Pod") problems.push(...check(item, podRequests(pod), podLimits(pod)));
  }
  return problems;
}

/** utilerrors.NewAggregate's message: one error as is, several (deduplicated) in brackets. */
export function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(", ")}]`;
}

/**
 * The LimitRanger admission plugin for pods: the namespace's LimitRanges default each container's
 * requests and limits (mutate), then bound them (validate), refusing with the API server's 403.
 */
export const limitRanger: AdmissionPlugin = {
  name: "LimitRanger",
  resources: ["pods"],
  listsOnCreate: () => ["limitranges"],
  async mutate(req, obj) {
    if (!handles(req)) return;
    const pod = viewAs(podKind, obj);
    const ranges = await limitRanges(req, pod);
    for (const items of ranges) applyLimitRangeDefaults(items, pod);
    // The QoS class follows the resources, which the defaults just filled in.
    if (ranges.length && req.operation === "CREATE" && pod.status)
      pod.status.qosClass = podQOSClass(pod.spec ?? {});
  },
  async validate(req, obj) {
    if (!handles(req)) return;
    const pod = viewAs(podKind, obj);
    for (const items of await limitRanges(req, pod)) {
      const problems = limitRangeViolations(items, pod);
      if (!problems.length) continue;
      const name = pod.metadata.name ?? "";
      throw forbidden(`pods "${name}" is forbidden: ${aggregate(problems)}`, { name, kind: "pods" });
    }
  },
};
