import { mapSelectorFilter } from "../../db/filters.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { endpointSliceKind } from "../../kube/kinds/endpointslice/index.ts";
import { slicePorts } from "../../kube/kinds/endpointslice/slice.ts";
import { newControllerRef, type OwnerReference } from "../../kube/meta/owners.ts";
import type { KubeObject } from "../../kube/object.ts";
import { createInTransaction } from "../../registry/create.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { replaceObject } from "../../registry/update.ts";
import { canonicalJson } from "../deployment/template.ts";
import { headlessLabel, manager, serviceIPSet, triggerTimeAnnotation } from "./endpoints-object.ts";
import { controllerName, type DesiredSlice, managedByLabel, serviceNameLabel, sliceKey } from "./slices.ts";

/** The slices this controller made for a service, found by its two labels. */
export function managedSlices(w: SandboxWriter, namespace: string, service: string): Promise<KubeObject[]> {
  const filter = mapSelectorFilter({ [serviceNameLabel]: service, [managedByLabel]: controllerName });
  return w.listWhere("endpointslices.discovery.k8s.io", namespace, filter);
}

/** setEndpointSliceLabels: the service's labels, its name, the manager, and the headless mark. */
function sliceLabels(service: KubeObject): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {}))
    if (k !== serviceNameLabel && k !== managedByLabel) labels[k] = v;
  labels[serviceNameLabel] = service.metadata.name ?? "";
  labels[managedByLabel] = controllerName;
  if (!serviceIPSet(service)) labels[headlessLabel] = "";
  return labels;
}

/** The slice's controller reference to its service (what the garbage collector follows). */
function ownerRef(service: KubeObject): OwnerReference {
  return newControllerRef(service, "v1", "Service");
}

/** What a slice's write compares: contents, labels and owner. */
function content(slice: KubeObject): string {
  return canonicalJson([slice.endpoints, slice.ports, slice.metadata.labels, slice.metadata.ownerReferences]);
}

/**
 * Brings the service's slices to the desired ones: a slice with the same address type and ports
 * is updated in place when its contents differ; other desired slices take over leftover slices of
 * their address type (fewer renames, as the real reconciler does) or are created with
 * generateName `<service>-`; slices left over after that are deleted.
 */
export async function syncSlices(
  w: SandboxWriter,
  service: KubeObject,
  desired: DesiredSlice[],
  now: string,
): Promise<void> {
  const namespace = service.metadata.namespace ?? "";
  const existing = await managedSlices(w, namespace, service.metadata.name ?? "");
  const byKey = new Map<string, KubeObject[]>();
  for (const slice of existing) {
    const key = sliceKey(String(slice.addressType), slicePorts(slice));
    byKey.set(key, [...(byKey.get(key) ?? []), slice]);
  }
  const unmatched: DesiredSlice[] = [];
  const writes: [KubeObject | null, DesiredSlice][] = [];
  for (const want of desired) {
    const match = byKey.get(sliceKey(want.addressType, want.ports))?.shift();
    if (match) writes.push([match, want]);
    else unmatched.push(want);
  }
  const leftovers = [...byKey.values()].flat();
  for (const want of unmatched) {
    const i = leftovers.findIndex((s) => s.addressType === want.addressType);
    writes.push([i >= 0 ? (leftovers.splice(i, 1)[0] ?? null) : null, want]);
  }
  for (const [slice, want] of writes) {
    const next: KubeObject = slice
      ? structuredClone(slice)
      : {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: { generateName: `${service.metadata.name}-`, namespace },
        };
    next.metadata.labels = sliceLabels(service);
    next.metadata.ownerReferences = [ownerRef(service)];
    next.addressType = want.addressType;
    next.endpoints = want.endpoints.length ? want.endpoints : null;
    next.ports = want.ports.length ? want.ports : null;
    if (slice && content(slice) === content(next)) continue;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [triggerTimeAnnotation]: now };
    if (slice) await replaceObject(w, endpointSliceKind, slice, next, "", manager);
    else await createInTransaction(w, endpointSliceKind, namespace, next, manager);
  }
  for (const slice of leftovers) await deleteInTransaction(w, endpointSliceKind, slice, {});
}

/** A deleted service's slices go too (the garbage collector would take them by owner). */
export async function deleteSlices(w: SandboxWriter, namespace: string, service: string): Promise<void> {
  for (const slice of await managedSlices(w, namespace, service))
    await deleteInTransaction(w, endpointSliceKind, slice, {});
}
