/** A watch's stream read as events, for tests: each line parsed, and when the stream ended. */
export interface WatchReader {
  events: { type: string; object: any }[];
  /** Resolves when the server ends the stream (or it fails). */
  ended: Promise<void>;
  /** Whether the stream has ended. */
  done(): boolean;
  /** Waits until `n` events have arrived, or `ms` passed. */
  waitFor(n: number, ms?: number): Promise<boolean>;
  cancel(): Promise<void>;
}

/** Reads a watch response's events as they come. */
export function readWatch(res: Response): WatchReader {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { type: string; object: any }[] = [];
  let finished = false;
  let buffer = "";
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          events.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
      }
    } catch {
      // cancelled
    } finally {
      finished = true;
    }
  })();
  return {
    events,
    ended,
    done: () => finished,
    async waitFor(n, ms = 5000) {
      const deadline = Date.now() + ms;
      while (events.length < n && !finished && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      return events.length >= n;
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}
