import { InMemoryFs } from "just-bash";
import type { VirtualClock } from "./clock.ts";

/**
 * The container's console: what its main process writes to stdout and stderr, each write
 * stamped with the virtual time. The process's shell sends its output here first thing
 * (console-routing.ts), so every command's output arrives as it completes, in order, and
 * survives the evaluation stopping at its horizon.
 */

/** One write to the console. */
export interface ConsoleWrite {
  atMs: number;
  stream: "stdout" | "stderr";
  text: string;
  /** The text holds bytes, one per character (binary output, like tar's). */
  binary?: boolean;
}

/** A write's bytes. */
export function writeBytes(w: ConsoleWrite): Uint8Array {
  return w.binary ? Buffer.from(w.text, "latin1") : Buffer.from(w.text, "utf8");
}

/** A write's text (binary output read as UTF-8, as a terminal would show it). */
export function writeText(w: ConsoleWrite): string {
  return w.binary ? Buffer.from(w.text, "latin1").toString("utf8") : w.text;
}

/** Where the console is mounted: PID 1's stdout and stderr are its files 1 and 2. */
export const consoleMount = "/proc/1/fd";

/** A filesystem of two files, 1 and 2, whose writes are the console's. */
export class ConsoleFs extends InMemoryFs {
  readonly writes: ConsoleWrite[] = [];
  /** Bytes written so far. */
  bytes = 0;

  private readonly clock: VirtualClock;
  private readonly maxBytes: number;
  /** Called when a write would pass maxBytes: the container is over its limits. */
  private readonly onOverflow: () => void;

  constructor(clock: VirtualClock, maxBytes: number, onOverflow: () => void) {
    super({ "/1": "", "/2": "" });
    this.clock = clock;
    this.maxBytes = maxBytes;
    this.onOverflow = onOverflow;
  }

  private record(path: string, content: string | Uint8Array, options?: unknown): boolean {
    const name = path.replace(/^.*\//, "");
    if (name !== "1" && name !== "2") return false;
    // The interpreter's notice that the evaluation stopped at its horizon is not the process's.
    if (
      this.clock.suspended &&
      /^(bash: )?execution aborted\n$/.test(typeof content === "string" ? content : "")
    )
      return true;
    const encoding =
      typeof options === "string" ? options : (options as { encoding?: string } | undefined)?.encoding;
    const binary = typeof content !== "string" || encoding === "binary" || encoding === "latin1";
    const text = typeof content === "string" ? content : Buffer.from(content).toString("latin1");
    if (!text) return true;
    this.bytes += text.length;
    if (this.bytes > this.maxBytes) {
      this.onOverflow();
      return true;
    }
    this.writes.push({
      atMs: this.clock.nowMs,
      stream: name === "1" ? "stdout" : "stderr",
      text,
      ...(binary ? { binary: true } : {}),
    });
    return true;
  }

  override async appendFile(path: string, content: string | Uint8Array, options?: unknown): Promise<void> {
    if (this.record(path, content, options)) return;
    return super.appendFile(path, content, options as never);
  }

  override async writeFile(path: string, content: string | Uint8Array, options?: unknown): Promise<void> {
    if (this.record(path, content, options)) return;
    return super.writeFile(path, content, options as never);
  }
}
