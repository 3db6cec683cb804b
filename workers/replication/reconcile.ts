import type { SandboxWriter } from "../../db/store/writer.ts";
import { StatusError } from "../../kube/errors.ts";
import { semanticEqual } from "../../kube/go/semantic-equal.ts";
import { storageResource, viewAs } from "../../kube/kinds/kind.ts";
import { namespaceKind } from "../../kube/kinds/namespace/index.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import { controllerOf, type OwnerReference, ownerReferences } from "../../kube/meta/owners.ts";
import { clone } from "../../kube/object.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { createInTransaction } from "../../registry/create.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { type EventSpec, recordEvent, recordEvents } from "../../registry/events.ts";
import { replaceObject } from "../../registry/update.ts";
import { claimPods } from "./claim.ts";
import { controllerRef, type ReplicaController, type ReplicaFlavour } from "./flavours.ts";
import { isPodActive, isPodAvailable, isPodReady } from "./pods.ts";
import { podsToDelete } from "./ranking.ts";
import { calculateStatus, minReadySeconds } from "./status.ts";
import { podFromTemplate } from "./template.ts";

/** Who the controllers write as, in managedFields. */
const fieldManager = "kube-controller-manager";
/** burstReplicas: the most pods one sync creates or deletes. */
const burstReplicas = 500;

/** How a sync ended: whether managing replicas failed, and when to look again (seconds), if at all. */
export interface SyncOutcome {
  failed: boolean;
  requeueAfterSeconds: number | null;
}

/** Stores the pod with new ownerReferences, through the update path (as the controller's patch does). */
async function setOwnerReferences(w: SandboxWriter, pod: Pod, refs: OwnerReference[]): Promise<Pod> {
  const next = clone(pod);
  if (refs.length) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  return viewAs(podKind, await replaceObject(w, podKind, pod, next, "", { fieldManager }));
}

/** The active pods of the controller's siblings (the ReplicaSets of its Deployment), or its own. */
async function relatedPods<T extends ReplicaController>(
  w: SandboxWriter,
  flavour: ReplicaFlavour<T>,
  controller: T,
  all: Pod[],
  own: Pod[],
): Promise<Pod[]> {
  const parent = controllerOf(controller);
  if (!parent) return own;
  const namespace = controller.metadata.namespace ?? "";
  const siblings = await w.listWhere(storageResource(flavour.kind), namespace);
  const uids = new Set(
    siblings.filter((s) => controllerOf(s)?.uid === parent.uid).map((s) => s.metadata.uid),
  );
  return all.filter((p) => isPodActive(p) && uids.has(controllerOf(p)?.uid));
}

/** Creates up to `count` pods from the template; the first refusal stops it and is returned. */
async function createPods<T extends ReplicaController>(
  w: SandboxWriter,
  flavour: ReplicaFlavour<T>,
  controller: T,
  count: number,
): Promise<Error | null> {
  const namespace = controller.metadata.namespace ?? "";
  const ns = viewAs(namespaceKind, await w.get({ resource: "namespaces", namespace: "", name: namespace }));
  // A namespace being deleted takes no new pods; that is no failure of ours.
  if (!ns || ns.status?.phase === "Terminating") return null;
  const ref = controllerRef(flavour, controller);
  // Each SuccessfulCreate names a pod made just now, so none repeats an earlier event: they are
  // recorded together after the creates, without looking for one to count on (a burst's hundreds
  // of pods cost one statement, not a query each).
  const created: EventSpec[] = [];
  const record = () => recordEvents(w, controller, created, { noneBefore: true });
  for (let i = 0; i < count; i++) {
    try {
      const pod = await createInTransaction(w, podKind, namespace, podFromTemplate(controller, ref), {
        fieldManager,
      });
      created.push({
        type: "Normal",
        reason: "SuccessfulCreate",
        message: `Created pod: ${pod.metadata.name}`,
        component: flavour.component,
      });
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      await record();
      await recordEvent(w, controller, {
        type: "Warning",
        reason: "FailedCreate",
        message: `Error creating: ${err.message}`,
        component: flavour.component,
      });
      return err;
    }
  }
  await record();
  return null;
}

/**
 * manageReplicas: creates pods from the template while fewer than spec.replicas are active, or
 * deletes the ones ActivePodsWithRanks prefers while more are; at most burstReplicas at a time.
 */
async function manageReplicas<T extends ReplicaController>(
  w: SandboxWriter,
  flavour: ReplicaFlavour<T>,
  controller: T,
  pods: Pod[],
  all: Pod[],
  now: number,
): Promise<Error | null> {
  const diff = pods.length - specReplicas(controller);
  if (diff < 0) return createPods(w, flavour, controller, Math.min(-diff, burstReplicas));
  if (diff === 0) return null;
  const related = await relatedPods(w, flavour, controller, all, pods);
  for (const pod of podsToDelete(pods, Math.min(diff, burstReplicas), related, now)) {
    await deleteInTransaction(w, podKind, pod, {});
    await recordEvent(w, controller, {
      type: "Normal",
      reason: "SuccessfulDelete",
      message: `Deleted pod: ${pod.metadata.name}`,
      component: flavour.component,
    });
  }
  return null;
}

/**
 * One sync of a ReplicationController or ReplicaSet (syncReplicaSet), in the caller's
 * transaction: claim the namespace's active pods (adopt matching orphans, release pods that no
 * longer match), create or delete pods toward spec.replicas unless the controller is being
 * deleted, and store the status it observed. The sandbox lock serializes syncs, so what it
 * reads is what it acts on, and a repeated or concurrent job finds nothing left to do.
 */
export async function syncReplicas<T extends ReplicaController>(
  w: SandboxWriter,
  flavour: ReplicaFlavour<T>,
  controller: T,
  now = Date.now(),
): Promise<SyncOutcome> {
  const namespace = controller.metadata.namespace ?? "";
  const all = (await w.listWhere("pods", namespace)).map((pod) => viewAs(podKind, pod));
  const claim = claimPods(controller, all.filter(isPodActive), (labels) =>
    flavour.selects(controller, labels),
  );
  const uid = controller.metadata.uid;
  for (const pod of claim.release)
    await setOwnerReferences(
      w,
      pod,
      ownerReferences(pod).filter((r) => r.uid !== uid),
    );
  const owned = [...claim.owned];
  for (const pod of claim.adopt)
    owned.push(
      await setOwnerReferences(w, pod, [...ownerReferences(pod), controllerRef(flavour, controller)]),
    );
  const failure = controller.metadata.deletionTimestamp
    ? null
    : await manageReplicas(w, flavour, controller, owned, all, now);
  const status = calculateStatus(controller, owned, failure, now);
  if (!semanticEqual(status, controller.status))
    await replaceObject(w, flavour.kind, controller, { ...controller, status }, "status", { fieldManager });
  // Pods ready but not yet available for minReadySeconds become available with time alone.
  const minReady = minReadySeconds(controller);
  const waiting = minReady > 0 && owned.some((p) => isPodReady(p) && !isPodAvailable(p, minReady, now));
  return { failed: failure !== null, requeueAfterSeconds: waiting ? minReady : null };
}
