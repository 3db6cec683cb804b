import { goDuration } from "../../kube/go/duration.ts";
import type { Pod } from "../../kube/types/core-v1.ts";

/**
 * The kubelet's event and status texts (pkg/kubelet/images, kuberuntime, events), word for
 * word as 1.32 writes them.
 */

/** An event the kubelet records about a pod, for one container when fieldPath is set. */
export interface KubeletEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  fieldPath?: string;
}

/** format.Pod: "name_namespace(uid)". */
export function podRef(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** The kubelet's messages, by what happened. */
export const messages = {
  pulling: (image: string) => `Pulling image "${image}"`,
  pulled: (image: string, ms: number, size: number) =>
    `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${size} bytes.`,
  present: (image: string) => `Container image "${image}" already present on machine`,
  neverPull: (image: string) => `Container image "${image}" is not present with pull policy of Never`,
  pullFailed: (image: string, error: string) => `Failed to pull image "${image}": ${error}`,
  pullBackOff: (image: string) => `Back-off pulling image "${image}"`,
  pullBackOffWaiting: (image: string, error: string) =>
    `Back-off pulling image "${image}": ErrImagePull: ${error}`,
  error: (reason: string) => `Error: ${reason}`,
  /** The waiting reason of a container whose config (env from Secrets, ConfigMaps) cannot be made. */
  configError: "CreateContainerConfigError",
  created: (name: string) => `Created container: ${name}`,
  started: (name: string) => `Started container ${name}`,
  killing: (name: string) => `Stopping container ${name}`,
  crashBackOffEvent: (name: string, pod: Pod) =>
    `Back-off restarting failed container ${name} in pod ${podRef(pod)}`,
  crashBackOffWaiting: (ms: number, name: string, pod: Pod) =>
    `back-off ${goDuration(ms)} restarting failed container=${name} pod=${podRef(pod)}`,
};
