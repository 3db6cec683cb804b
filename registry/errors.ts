import { notFound } from "../kube/errors.ts";

/** The sandbox vanished between authorization and the write (deleted meanwhile). */
export function sandboxGone() {
  return notFound("", "sandboxes", "");
}
