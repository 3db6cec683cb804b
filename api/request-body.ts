import type { Readable } from "node:stream";

/*
 * Request bodies, read as they arrive and stopped at a cap, on every runtime the app serves.
 *
 * On Node, @hono/node-server hands the app a stand-in for the Request, which builds the real one
 * (undici's, with an AbortController, a web stream over the socket and a FinalizationRegistry
 * entry) only when its body is asked for: some 4 % of the service's main thread at 100 pod
 * creates a second. So the Node listener hands over the socket's IncomingMessage too (`readFromNode`), and a
 * body is read from that; elsewhere (workerd, Lambda) from the Request.
 */

const nodeBodies = new WeakMap<Request, Readable>();
const chunkWatchers = new WeakMap<Request, (bytes: number) => void>();

/** On Node: the request's body is to be read from `incoming`, its IncomingMessage. */
export function readFromNode(req: Request, incoming: Readable): void {
  nodeBodies.set(req, incoming);
}

/** Calls `watch` with the size of each chunk of the request's body as it is read (a byte budget). */
export function watchBodyChunks(req: Request, watch: (bytes: number) => void): void {
  chunkWatchers.set(req, watch);
}

/** The request's body as it arrives, chunk by chunk; null when it has none. */
function chunksOf(req: Request): AsyncIterator<Uint8Array> | null {
  const incoming = nodeBodies.get(req);
  // Not destroyed when the reader stops early: the server answers (413) and drains what is left.
  if (incoming) return incoming.iterator({ destroyOnReturn: false });
  const reader = req.body?.getReader();
  if (!reader) return null;
  return {
    next: async () => {
      const { done, value } = await reader.read();
      return done ? { done: true, value: undefined } : { done: false, value };
    },
    return: async () => {
      await reader.cancel().catch(() => {});
      return { done: true, value: undefined };
    },
  };
}

/**
 * The request's body, or null past `max` bytes: a declared length over it is refused before
 * anything is read, and a body without one (chunked) is read as it comes and dropped at the cap,
 * so no request makes the server hold more than `max`, whatever its method.
 */
export async function readCappedBody(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) return null;
  const chunks = chunksOf(req);
  if (!chunks) return new Uint8Array(0);
  const watch = chunkWatchers.get(req);
  const read: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await chunks.next();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await chunks.return?.();
      return null;
    }
    try {
      watch?.(value.byteLength);
    } catch (err) {
      await chunks.return?.();
      throw err;
    }
    read.push(value);
  }
  if (read.length === 1) return read[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of read) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
