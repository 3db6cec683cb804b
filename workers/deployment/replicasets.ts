import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { controllerOf, newControllerRef, type OwnerReference } from "../../kube/meta/owners.ts";
import { clone } from "../../kube/object.ts";
import { selectorMatches } from "../../kube/selectors/label-selector.ts";
import type { Deployment, ReplicaSet } from "../../kube/types/apps-v1.ts";
import { replaceObject } from "../../registry/update.ts";
import { manager } from "./sync.ts";

/** The controller reference a deployment puts on its ReplicaSets. */
export function ownerRefTo(d: Deployment): OwnerReference {
  return newControllerRef(d, "apps/v1", "Deployment");
}

/**
 * getReplicaSetsForDeployment: the ReplicaSets this deployment controls, after the
 * ControllerRefManager's claim: its own that still match the selector are kept, its own that
 * no longer match are released, orphans that match are adopted (not while either side is being
 * deleted). ReplicaSets controlled by anything else are left alone.
 */
export async function claimReplicaSets(w: SandboxWriter, d: Deployment): Promise<Map<string, ReplicaSet>> {
  const namespace = d.metadata.namespace ?? "";
  const selector = d.spec?.selector;
  const owned = new Map<string, ReplicaSet>();
  for (const stored of await w.listWhere("replicasets.apps", namespace)) {
    const rs = viewAs(replicaSetKind, stored);
    const ref = controllerOf(rs);
    const matches = selectorMatches(selector, rs.metadata.labels ?? {});
    if (ref && ref.uid === d.metadata.uid) {
      if (matches) owned.set(rs.metadata.name ?? "", rs);
      else if (!d.metadata.deletionTimestamp) await release(w, d, rs);
    } else if (!ref && matches && !d.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp) {
      owned.set(rs.metadata.name ?? "", await adopt(w, d, rs));
    }
  }
  return owned;
}

/** Adds the deployment as the ReplicaSet's controller. */
async function adopt(w: SandboxWriter, d: Deployment, rs: ReplicaSet): Promise<ReplicaSet> {
  const next = clone(rs);
  next.metadata.ownerReferences = [...(rs.metadata.ownerReferences ?? []), ownerRefTo(d)];
  return viewAs(replicaSetKind, await replaceObject(w, replicaSetKind, rs, next, "", manager));
}

/** Removes the deployment's controller reference from a ReplicaSet it no longer selects. */
async function release(w: SandboxWriter, d: Deployment, rs: ReplicaSet): Promise<void> {
  const next = clone(rs);
  const kept = (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid);
  if (kept.length) next.metadata.ownerReferences = kept;
  else delete next.metadata.ownerReferences;
  await replaceObject(w, replicaSetKind, rs, next, "", manager);
}
