import type { Plan } from "../../kube/runtime/container-plan.ts";
import type { Container, Node, Pod, PodSpec, PodStatus } from "../../kube/types/core-v1.ts";
import type { KubeletEvent } from "./messages.ts";
import type { ContainerProbes } from "./probe-results.ts";

/** What a kubelet sync knows besides the pod: the time, its node, and its node-local memory. */
export interface KubeletContext {
  pod: Pod;
  node: Node;
  /** The time of this sync, in ms. */
  now: number;
  /** Images already on the node, normalized ("docker.io/library/nginx:1.25"). */
  present: Set<string>;
  /** This pod's failed pulls by image (as the spec names it): how many, and when the last was. */
  pullFailures: Map<string, { count: number; lastMs: number }>;
  /** Makes a new container ID ("containerd://<64 hex>"). */
  newContainerID: () => string;
  /**
   * Containers whose config cannot be made (a Secret or ConfigMap their env names is missing),
   * with the kubelet's reason; they wait in CreateContainerConfigError.
   */
  configErrors?: Map<string, string>;
  /** What each container (by name) does once started, planned before the sync (plans.ts). */
  plans?: Map<string, Plan>;
  /** The running containers' probes made before the sync, by container name (probes.ts). */
  probes?: Map<string, ContainerProbes>;
  /**
   * Containers whose process ended by itself since the last sync, as their runtime reports it
   * (an attached shell whose stdin closed), with its exit code: terminated at `now`, first.
   */
  exited?: Map<string, number>;
}

/** A sync in progress: the status being built and the events it records. */
export interface Work {
  ctx: KubeletContext;
  spec: PodSpec;
  status: PodStatus;
  events: KubeletEvent[];
  /** Containers this sync already tried to make a config for (one try per sync). */
  configTried?: Set<string>;
}

/** One container of the pod: its spec, which list it is in, and the fieldPath its events name. */
export interface ContainerRef {
  spec: Container;
  kind: "init" | "sidecar" | "main";
  list: "initContainerStatuses" | "containerStatuses";
  fieldPath: string;
}
