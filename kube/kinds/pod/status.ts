import type { PodCondition, PodStatus } from "../../types/core-v1.ts";
import type { Time } from "../../types/meta-v1.ts";

/**
 * A pod condition as the control plane writes it. Go writes a zero metav1.Time as `null` (a
 * struct is never left out by omitempty), so the API server, the scheduler and the kubelet write
 * `lastProbeTime: null`, as `kubectl get -o yaml` shows it; the generated PodCondition reads a
 * zero time as absent (decoding unsets a null) and has no room for it.
 */
export type WrittenPodCondition = Omit<PodCondition, "lastProbeTime" | "lastTransitionTime"> & {
  lastProbeTime?: Time | null;
  lastTransitionTime?: Time | null;
};

/** A pod status as the control plane writes it: PodStatus, its conditions as WrittenPodCondition. */
export type WrittenPodStatus = Omit<PodStatus, "conditions"> & { conditions?: WrittenPodCondition[] };
