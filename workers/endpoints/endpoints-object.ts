import type { SandboxWriter } from "../../db/store/writer.ts";
import { endpointsKind } from "../../kube/kinds/endpoints/index.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { clone } from "../../kube/object.ts";
import type { Endpoints, Service } from "../../kube/types/core-v1.ts";
import { createInTransaction } from "../../registry/create.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { replaceObject } from "../../registry/update.ts";
import { canonicalJson } from "../deployment/template.ts";
import type { PodInfo } from "./pods.ts";
import { serviceSubsets } from "./subsets.ts";

/** The controllers' field manager in managedFields. */
export const manager = { fieldManager: "kube-controller-manager" };
/** v1.IsHeadlessService: the label marking the Endpoints (and slices) of a headless service. */
export const headlessLabel = "service.kubernetes.io/headless";
/** v1.EndpointsLastChangeTriggerTime. */
export const triggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

/** IsServiceIPSet: a cluster IP that is neither empty nor "None". */
export function serviceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP ?? "";
  return ip !== "" && ip !== "None";
}

/** A map left out when empty, as Go's omitempty does. */
function orNothing<T extends object>(m: T): T | undefined {
  return Object.keys(m).length ? m : undefined;
}

/**
 * The endpoints controller's syncService for a service with a selector: Endpoints of the same
 * name holding the service's labels (plus the headless label) and the pods' subsets, written
 * only when the subsets or labels differ from what is stored.
 */
export async function syncEndpoints(
  w: SandboxWriter,
  service: Service,
  pods: PodInfo[],
  now: string,
): Promise<void> {
  const namespace = service.metadata.namespace ?? "";
  const name = service.metadata.name ?? "";
  const subsets = serviceSubsets(service, pods);
  const current = viewAs(endpointsKind, await w.get({ resource: "endpoints", namespace, name }));
  const serviceLabels = service.metadata.labels ?? {};
  if (current) {
    const { [headlessLabel]: _, ...compared } = current.metadata.labels ?? {};
    if (
      canonicalJson(current.subsets) === canonicalJson(subsets) &&
      canonicalJson(compared) === canonicalJson(serviceLabels)
    )
      return;
  }
  const labels: Record<string, string> = { ...serviceLabels };
  if (serviceIPSet(service)) delete labels[headlessLabel];
  else labels[headlessLabel] = "";
  const next: Endpoints = current
    ? clone(current)
    : { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace } };
  next.metadata.labels = orNothing(labels);
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [triggerTimeAnnotation]: now };
  if (subsets.length) next.subsets = subsets;
  else delete next.subsets;
  if (current) await replaceObject(w, endpointsKind, current, next, "", manager);
  else await createInTransaction(w, endpointsKind, namespace, next, manager);
}

/** A deleted service takes its Endpoints with it (the controller deletes them by name). */
export async function deleteEndpoints(w: SandboxWriter, namespace: string, name: string): Promise<void> {
  const current = await w.get({ resource: "endpoints", namespace, name });
  if (current) await deleteInTransaction(w, endpointsKind, current, {});
}
