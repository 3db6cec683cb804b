import { StatusError } from "../kube/errors.ts";

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
