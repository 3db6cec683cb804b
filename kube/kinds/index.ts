import { apiVersionOf, type Kind } from "../kind.ts";
import { configMapKind } from "./configmap.ts";
import { deploymentKind } from "./deployment.ts";
import { endpointsKind } from "./endpoints.ts";
import { endpointSliceKind } from "./endpointslice.ts";
import { eventKind } from "./event.ts";
import { limitRangeKind } from "./limitrange.ts";
import { namespaceKind } from "./namespace.ts";
import { nodeKind } from "./node.ts";
import { podKind } from "./pod.ts";
import { replicaSetKind } from "./replicaset.ts";
import { replicationControllerKind } from "./replicationcontroller.ts";
import { resourceQuotaKind } from "./resourcequota.ts";
import { secretKind } from "./secret.ts";
import { serviceKind } from "./service.ts";
import { serviceAccountKind } from "./serviceaccount.ts";

/** Every kind the API serves. Adding a kind means adding its file and listing it here. */
export const kinds: Kind[] = [
  namespaceKind,
  nodeKind,
  serviceAccountKind,
  serviceKind,
  endpointsKind,
  endpointSliceKind,
  configMapKind,
  secretKind,
  limitRangeKind,
  resourceQuotaKind,
  eventKind,
  podKind,
  replicationControllerKind,
  replicaSetKind,
  deploymentKind,
];

/** The group versions served, in discovery order: "v1" first. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const k of kinds) seen.set(apiVersionOf(k), { group: k.group, version: k.version });
  return [...seen.values()];
}

/** The kind served at /api/v1/<resource> or /apis/<group>/<version>/<resource>. */
export function kindByResource(group: string, version: string, resource: string): Kind | undefined {
  return kinds.find((k) => k.group === group && k.version === version && k.resource === resource);
}

/** The kind named by a manifest's apiVersion and kind. */
export function kindByApiVersionKind(apiVersion: string, kind: string): Kind | undefined {
  return kinds.find((k) => apiVersionOf(k) === apiVersion && k.kind === kind);
}
