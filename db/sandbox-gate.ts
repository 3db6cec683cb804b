/**
 * Lets one write transaction per sandbox at a time leave this process; the others wait here,
 * in arrival order. For the controllers' pool. Their transactions of one sandbox queue for its
 * lock anyway, but queued in Postgres they stand ahead of every API write that arrives after
 * them: a client's create waited behind the controller step of every pod created before it.
 * Queued here, a client's write waits for at most the one step holding or taking the lock. The
 * API server gives clients the same precedence over its own controllers (API priority and
 * fairness); nothing is lost by it, as the steps of one sandbox take turns in any case.
 */
export class SandboxGate {
  /** Per sandbox being written: whether one is out, and who waits for a turn. */
  private readonly sandboxes = new Map<string, (() => void)[]>();

  async run<T>(sandboxId: string, fn: () => Promise<T>): Promise<T> {
    const waiting = this.sandboxes.get(sandboxId);
    if (waiting) await new Promise<void>((turn) => waiting.push(turn));
    else this.sandboxes.set(sandboxId, []);
    try {
      return await fn();
    } finally {
      // The turn passes straight to the next in line; the last one out forgets the sandbox.
      const line = this.sandboxes.get(sandboxId) as (() => void)[];
      const next = line.shift();
      if (next) next();
      else this.sandboxes.delete(sandboxId);
    }
  }

  /** Sandboxes with a write out, for tests. */
  get size(): number {
    return this.sandboxes.size;
  }
}
