import { apiVersionOf, type Kind } from "../../kube/kinds/kind.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { replicationControllerKind } from "../../kube/kinds/replicationcontroller/index.ts";
import { newControllerRef, type OwnerReference } from "../../kube/meta/owners.ts";
import { selectorMatches } from "../../kube/selectors/label-selector.ts";
import type { ReplicaSet } from "../../kube/types/apps-v1.ts";
import type { ReplicationController } from "../../kube/types/core-v1.ts";
import type { TaskDefinition } from "../queue/task.ts";
import { replicaSetTask, replicationControllerTask } from "./jobs.ts";

/** What either controller keeps replicas of: a ReplicationController or a ReplicaSet. */
export type ReplicaController = ReplicationController | ReplicaSet;

/**
 * What differs between the replication controller and the replica-set controller (in 1.32 one
 * implementation behind adapters): the kind, the event source, and the selector's shape.
 */
export interface ReplicaFlavour<T extends ReplicaController = ReplicaController> {
  kind: Kind<T>;
  /** The queue task that syncs one controller of the kind. */
  task: TaskDefinition<{ namespace: string; name: string; attempt?: number }>;
  /** The event source component: "replication-controller", "replicaset-controller". */
  component: string;
  /** Whether the controller's selector selects these labels. */
  selects(controller: T, labels: Record<string, string>): boolean;
}

/** core/v1 ReplicationController: a plain map selector (empty selects everything). */
export const replicationControllerFlavour: ReplicaFlavour<ReplicationController> = {
  kind: replicationControllerKind,
  task: replicationControllerTask,
  component: "replication-controller",
  selects(controller, labels) {
    return Object.entries(controller.spec?.selector ?? {}).every(
      ([k, v]) => Object.hasOwn(labels, k) && labels[k] === v,
    );
  },
};

/** apps/v1 ReplicaSet: a metav1.LabelSelector (a missing one selects nothing). */
export const replicaSetFlavour: ReplicaFlavour<ReplicaSet> = {
  kind: replicaSetKind,
  task: replicaSetTask,
  component: "replicaset-controller",
  selects(controller, labels) {
    const selector = controller.spec?.selector;
    return selector !== undefined && selectorMatches(selector, labels);
  },
};

/** Both flavours, for what is said of either. */
export const flavours: ReplicaFlavour[] = [replicationControllerFlavour, replicaSetFlavour];

/** The flavour whose kind an owner reference names, if any. */
export function flavourOfOwner(owner: OwnerReference): ReplicaFlavour | undefined {
  return flavours.find((f) => apiVersionOf(f.kind) === owner.apiVersion && f.kind.kind === owner.kind);
}

/** The controller reference a controller puts on the pods it makes or adopts. */
export function controllerRef<T extends ReplicaController>(
  flavour: ReplicaFlavour<T>,
  controller: T,
): OwnerReference {
  return newControllerRef(controller, apiVersionOf(flavour.kind), flavour.kind.kind);
}
