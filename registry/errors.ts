import { notFound } from "../kube/errors.ts";
import type { KubeObject } from "../kube/object.ts";

/** The sandbox vanished between authorization and the write (deleted meanwhile). */
export function sandboxGone() {
  return notFound("", "sandboxes", "");
}

/**
 * Thrown at the end of a dry-run write to roll its transaction back; carries the object the
 * write would have stored, which the caller answers with.
 */
export class DryRun extends Error {
  readonly object: KubeObject;
  constructor(object: KubeObject) {
    super("dry run");
    this.object = object;
  }
}
