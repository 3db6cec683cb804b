import type { FieldError } from "../errors.ts";

/**
 * Validation of a PodSpec at `path` ("spec" for pods, "spec.template.spec" for controllers),
 * with the API server's field paths and messages. Shared by Pod, ReplicationController,
 * ReplicaSet and Deployment.
 */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  void spec;
  void path;
  return [];
}

/** The API server's defaults for a PodSpec (restartPolicy, dnsPolicy, container defaults, …). */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  void spec;
}
