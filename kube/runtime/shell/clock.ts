/**
 * A container's virtual clock: simulated time in epoch milliseconds that `sleep` advances and
 * `date` reads. An evaluation runs a container's program from a known point up to a horizon
 * ("now", when someone asks for its output); a sleep that would pass the horizon stops there and
 * aborts the evaluation, so nothing after it runs yet (DESIGN.md: time, not timers).
 */
export class VirtualClock {
  /** Whether a sleep reached the horizon (the evaluation then stops). */
  suspended = false;
  /** Whether the evaluation stopped in a sleep without end: nothing happens after it, ever. */
  forever = false;
  /** Whether anything read the time since the last `markReads` (periodic loops must not). */
  readTime = false;
  private readonly abort = new AbortController();

  private current: number;
  /** The latest time this evaluation may reach. */
  readonly horizonMs: number;

  constructor(startMs: number, horizonMs: number) {
    this.current = startMs;
    this.horizonMs = horizonMs;
  }

  /** The current simulated time, in epoch ms. */
  get nowMs(): number {
    return this.current;
  }

  /** The time, as a program that prints it reads it. */
  read(): number {
    this.readTime = true;
    return this.current;
  }

  /** Fires when a sleep reaches the horizon. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /**
   * Sleeps `ms`; false when the horizon or a deadline came first (the clock then stands at it;
   * at the horizon the evaluation is suspended, at a deadline that deadline's signal fires).
   */
  sleep(ms: number): boolean {
    if (this.suspended) return false;
    const deadline = this.deadlines.reduce<Deadline | null>(
      (a, d) => (d.reached || (a && a.at <= d.at) ? a : d),
      null,
    );
    const limit = Math.min(this.horizonMs, deadline?.at ?? Number.POSITIVE_INFINITY);
    if (this.current + ms > limit) {
      this.current = Math.max(this.current, limit);
      if (deadline && deadline.at < this.horizonMs) {
        deadline.reached = true;
        deadline.controller.abort();
      } else {
        this.suspended = true;
        this.abort.abort();
      }
      return false;
    }
    this.current += ms;
    return true;
  }

  private readonly deadlines: Deadline[] = [];

  /** A deadline before the horizon (`timeout`): sleeps stop at it and its signal fires. */
  deadline(at: number): { signal: AbortSignal; reached: () => boolean; release: () => void } {
    const d: Deadline = { at, controller: new AbortController(), reached: false };
    this.deadlines.push(d);
    return {
      signal: AbortSignal.any([d.controller.signal, this.abort.signal]),
      reached: () => d.reached,
      release: () => {
        this.deadlines.splice(this.deadlines.indexOf(d), 1);
      },
    };
  }

  /**
   * Stops the evaluation here, as if the horizon had come: its budget is spent, or its loop
   * was found to repeat (what follows is known without running it).
   */
  stopHere(): void {
    if (this.suspended) return;
    this.suspended = true;
    this.abort.abort();
  }

  /** Sleeps until the horizon: a server, `sleep infinity`, a shell waiting on its stdin. */
  sleepForever(): false {
    const before = this.suspended;
    this.sleep(Number.POSITIVE_INFINITY);
    if (!before && this.suspended) this.forever = true;
    return false;
  }
}

interface Deadline {
  at: number;
  controller: AbortController;
  reached: boolean;
}

/** Reads a sleep-style duration ("5", "0.5", "2m", "1h", "1d") in seconds; null when it is not one. */
export function parseSeconds(text: string): number | null {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!m) return null;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}
