import { Agent, request } from "node:https";
import { Readable } from "node:stream";

/** fetch, over https, trusting one CA: what a client of the Kubernetes API is given in its kubeconfig. */
export type TlsFetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * A fetch for the service's TLS listener that trusts its CA (the global fetch trusts only the
 * system's), over kept-alive connections as fetch's own. Bodies are strings, bytes or a stream
 * (sent chunked, as it comes); the answer is a Web Response whose body streams (watches).
 */
export function tlsFetch(caPem: string): TlsFetch {
  const agent = new Agent({ keepAlive: true, ca: caPem });
  const send = (url: string, init: RequestInit, retried: boolean) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const body = init.body as string | Uint8Array | ReadableStream<Uint8Array> | null | undefined;
      // As fetch frames a body it has whole (node sends a DELETE's unframed otherwise).
      if (typeof body === "string" || body instanceof Uint8Array)
        headers["content-length"] = String(Buffer.byteLength(body));
      const req = request(url, { method: init.method ?? "GET", headers, agent }, (res) => {
        const out = new Headers();
        for (const [key, value] of Object.entries(res.headers))
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
            out.append(key, v);
        const status = res.statusCode ?? 0;
        const stream = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream);
        resolve(new Response(stream, { status, headers: out }));
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed as this request went out on it: sent again
        // on a new one, as Go's client (kubectl's) and fetch do, unless its body was a stream.
        if (req.reusedSocket && err.code === "ECONNRESET" && !retried && !(body instanceof ReadableStream))
          resolve(send(url, init, true));
        else reject(err);
      });
      init.signal?.addEventListener("abort", () => req.destroy(new Error("aborted")));
      if (body instanceof ReadableStream) {
        const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream);
        source.on("error", (err) => req.destroy(err)).pipe(req);
        // The server may answer (413) before taking it all: stop sending then.
        req.on("response", () => {
          source.unpipe(req);
          source.destroy();
          req.end();
        });
      } else req.end(body ?? undefined);
    });
  return (url, init = {}) => send(url, init, false);
}
