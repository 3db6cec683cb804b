import { StatusError } from "../kube/errors.ts";
import type { KubeObject } from "../kube/object.ts";

/**
 * The sandbox vanished between authorization and the write (deleted meanwhile): a 404 to a
 * client, and "nothing left to do" to a controller.
 */
export class SandboxGone extends StatusError {
  constructor() {
    super(404, "NotFound", "the sandbox no longer exists", { kind: "sandboxes" });
  }
}

/** A SandboxGone error. */
export function sandboxGone(): SandboxGone {
  return new SandboxGone();
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
