import { mapSelectorFilter } from "../../db/filters.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { endpointSliceKind } from "../../kube/kinds/endpointslice/index.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { newControllerRef, type OwnerReference } from "../../kube/meta/owners.ts";
import { clone } from "../../kube/object.ts";
import type { Service } from "../../kube/types/core-v1.ts";
import type { Endpoint, EndpointPort, EndpointSlice } from "../../kube/types/discovery-v1.ts";
import { createInTransaction } from "../../registry/create.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { replaceObject } from "../../registry/update.ts";
import { canonicalJson } from "../deployment/template.ts";
import { headlessLabel, manager, serviceIPSet, triggerTimeAnnotation } from "./endpoints-object.ts";
import { controllerName, type DesiredSlice, managedByLabel, serviceNameLabel, sliceKey } from "./slices.ts";

/**
 * An EndpointSlice as this controller writes it, and so reads it back: an empty endpoints or
 * ports list goes as null (a Go nil slice), which an update stores as it is.
 */
type ManagedSlice = Omit<EndpointSlice, "endpoints" | "ports"> & {
  endpoints?: Endpoint[] | null;
  ports?: EndpointPort[] | null;
};

/** The slices this controller made for a service, found by its two labels. */
export async function managedSlices(
  w: SandboxWriter,
  namespace: string,
  service: string,
): Promise<ManagedSlice[]> {
  const filter = mapSelectorFilter({ [serviceNameLabel]: service, [managedByLabel]: controllerName });
  const slices = await w.listWhere("endpointslices.discovery.k8s.io", namespace, filter);
  return slices.map((s) => viewAs(endpointSliceKind, s));
}

/** setEndpointSliceLabels: the service's labels, its name, the manager, and the headless mark. */
function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {}))
    if (k !== serviceNameLabel && k !== managedByLabel) labels[k] = v;
  labels[serviceNameLabel] = service.metadata.name ?? "";
  labels[managedByLabel] = controllerName;
  if (!serviceIPSet(service)) labels[headlessLabel] = "";
  return labels;
}

/** The slice's controller reference to its service (what the garbage collector follows). */
function ownerRef(service: Service): OwnerReference {
  return newControllerRef(service, "v1", "Service");
}

/** What a slice's write compares: contents, labels and owner. */
function content(slice: ManagedSlice): string {
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
  service: Service,
  desired: DesiredSlice[],
  now: string,
): Promise<void> {
  const namespace = service.metadata.namespace ?? "";
  const existing = await managedSlices(w, namespace, service.metadata.name ?? "");
  const byKey = new Map<string, ManagedSlice[]>();
  for (const slice of existing) {
    const key = sliceKey(slice.addressType, slice.ports ?? []);
    byKey.set(key, [...(byKey.get(key) ?? []), slice]);
  }
  const unmatched: DesiredSlice[] = [];
  const writes: [ManagedSlice | null, DesiredSlice][] = [];
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
    const next: ManagedSlice = slice
      ? clone(slice)
      : {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: { generateName: `${service.metadata.name}-`, namespace },
          addressType: want.addressType,
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
