/**
 * Writes a container's filesystem refuses, as the kernel refuses them: ENOSPC past the room
 * left on its disk (disk-space.ts), EROFS under a read-only mount (secret, configMap,
 * downwardAPI and projected volumes, any `readOnly: true` volumeMount). The error's message is
 * the kernel's strerror text, so a tool that prints "<what>: <message>" says it as the real one
 * does (`mkdir: cannot create directory '/etc/cfg/d': Read-only file system`). And a refused
 * write that escapes just-bash's script (a redirection's) is told apart from any other error
 * in one place (evaluate.ts).
 */

/** A write the filesystem refused, with the errno's code and strerror text. */
export class RefusedWriteError extends Error {
  readonly code: "ENOSPC" | "EROFS";
  /** The path as the container names it (a mount's tree names it inside the mount). */
  path: string;
  constructor(code: "ENOSPC" | "EROFS", message: string, path: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}

/** The error of a write under a read-only mount: EROFS. */
export class ReadOnlyError extends RefusedWriteError {
  constructor(path: string) {
    super("EROFS", "Read-only file system", path);
  }
}

/** Whether an error is a write the filesystem refused (ENOSPC, EROFS). */
export function isRefusedWrite(e: unknown): e is RefusedWriteError {
  return e instanceof RefusedWriteError;
}
