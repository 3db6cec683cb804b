import { configMapKind } from "./configmap/index.ts";
import { cronJobKind } from "./cronjob/index.ts";
import { customResourceDefinitionKind } from "./customresourcedefinition/index.ts";
import { daemonSetKind } from "./daemonset/index.ts";
import { deploymentKind } from "./deployment/index.ts";
import { endpointsKind } from "./endpoints/index.ts";
import { endpointSliceKind } from "./endpointslice/index.ts";
import { eventKind } from "./event/index.ts";
import { ingressKind } from "./ingress/index.ts";
import { jobKind } from "./job/index.ts";
import { apiVersionOf, type Kind } from "./kind.ts";
import { limitRangeKind } from "./limitrange/index.ts";
import { namespaceKind } from "./namespace/index.ts";
import { nodeKind } from "./node/index.ts";
import { persistentVolumeKind } from "./persistentvolume/index.ts";
import { persistentVolumeClaimKind } from "./persistentvolumeclaim/index.ts";
import { podKind } from "./pod/index.ts";
import { replicaSetKind } from "./replicaset/index.ts";
import { replicationControllerKind } from "./replicationcontroller/index.ts";
import { resourceQuotaKind } from "./resourcequota/index.ts";
import { secretKind } from "./secret/index.ts";
import { serviceKind } from "./service/index.ts";
import { serviceAccountKind } from "./serviceaccount/index.ts";
import { statefulSetKind } from "./statefulset/index.ts";

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
  daemonSetKind,
  statefulSetKind,
  persistentVolumeClaimKind,
  persistentVolumeKind,
  jobKind,
  cronJobKind,
  ingressKind,
  customResourceDefinitionKind,
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
