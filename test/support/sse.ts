/**
 * GraphQL subscriptions over SSE against the in-process app (graphql-yoga's distinct-connection
 * mode): a POST with `Accept: text/event-stream`, read event by event.
 */
export interface SseSubscription {
  /** The next `next` payload, or null when the stream ended (or `ms` passed). */
  next(ms?: number): Promise<any | null>;
  /** Whether the stream has ended (within `ms`). */
  ended(ms?: number): Promise<boolean>;
  close(): void;
}

/** Opens a subscription on `app` (anything with Hono's `request`). */
export async function subscribeSse(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<SseSubscription> {
  const abort = new AbortController();
  const res = await app.request("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let done = false;
  const queue: any[] = [];
  const pump = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (!queue.length && !done && Date.now() < deadline) {
      const read = await Promise.race([
        reader.read(),
        new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
      ]);
      if (read === null) break;
      if (read.done) {
        done = true;
        break;
      }
      buffer += decoder.decode(read.value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "complete") done = true;
        else if (data) queue.push(JSON.parse(data));
        cut = buffer.indexOf("\n\n");
      }
    }
  };
  return {
    async next(ms = 5_000) {
      await pump(ms);
      return queue.shift() ?? null;
    },
    async ended(ms = 5_000) {
      await pump(ms);
      while (!done && queue.length) {
        queue.length = 0;
        await pump(ms);
      }
      return done;
    },
    close() {
      abort.abort();
      reader.cancel().catch(() => {});
    },
  };
}
