import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { Writable } from "node:stream";

/** What Lambda's runtime gives a streaming handler, and what a Function URL answers with. */
interface ResponseMetadata {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/**
 * The response stream the Lambda runtime hands a streaming handler: bytes go to the client as
 * they are written, after the status and headers that HttpResponseStream.from set (200 when none).
 */
class FunctionUrlResponse extends Writable {
  metadata: ResponseMetadata = {};
  private readonly res: ServerResponse;

  constructor(res: ServerResponse) {
    super();
    this.res = res;
  }

  /** The status and headers, sent at once as Lambda sends the prelude HttpResponseStream.from wrote. */
  head() {
    if (this.res.headersSent) return;
    const headers: Record<string, string | string[]> = { ...this.metadata.headers };
    if (this.metadata.cookies?.length) headers["set-cookie"] = this.metadata.cookies;
    this.res.writeHead(this.metadata.statusCode ?? 200, headers);
    this.res.flushHeaders();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void) {
    this.head();
    if (this.res.destroyed) return done(new Error("the client went away"));
    this.res.write(chunk, () => done());
  }

  override _final(done: (err?: Error | null) => void) {
    this.head();
    this.res.end(done);
  }
}

/**
 * The `awslambda` global of Lambda's Node runtime, as far as a streaming handler uses it:
 * streamifyResponse marks the handler, HttpResponseStream.from sets the status and headers.
 * Set before the handler's module loads (hono's streamHandle calls it at load).
 */
export function installLambdaRuntime(): void {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse: (fn: unknown) => fn,
    HttpResponseStream: {
      from(stream: FunctionUrlResponse, metadata: ResponseMetadata) {
        stream.metadata = metadata;
        stream.head();
        return stream;
      },
    },
  };
}

type StreamingHandler = (event: unknown, stream: Writable, context: unknown) => Promise<void>;

/** A Function URL event (payload 2.0) for one HTTP request; the body always base64, as binary bodies are. */
function functionUrlEvent(req: IncomingMessage, body: Buffer, domainName: string) {
  // The request target as it came (origin form), split by hand: a path such as "//x" is no
  // relative URL to resolve (URL takes "x" for a host), and the function sees it raw.
  const target = req.url ?? "/";
  const query = target.indexOf("?");
  const url = {
    pathname: query < 0 ? target : target.slice(0, query),
    search: query < 0 ? "" : target.slice(query),
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && name !== "cookie")
      headers[name] = Array.isArray(value) ? value.join(",") : value;
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split("; ") } : {}),
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName,
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: req.socket.remoteAddress ?? "",
        userAgent: req.headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString("base64"),
    isBase64Encoded: true,
  };
}

/**
 * A local stand-in for a Function URL in RESPONSE_STREAM mode, over https: each request becomes
 * the event Lambda would send, the handler runs in this process, and what it writes streams back.
 * Lambda's own part (TLS, events, the response stream), so that tests and kubectl reach the
 * handler as they would the deployed function.
 */
export async function startFunctionUrl(
  handler: StreamingHandler,
  tls: { certPem: string; keyPem: string } | null,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const event = functionUrlEvent(req, Buffer.concat(chunks), req.headers.host ?? "localhost");
      const stream = new FunctionUrlResponse(res);
      handler(event, stream, { awsRequestId: event.requestContext.requestId }).catch((err) => {
        res.destroy(err as Error);
      });
    });
  };
  // Plain http only for the bench, which measures the handler, not TLS.
  const server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, serve)
    : createHttpServer(serve);
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/**
 * `node test/support/lambda-url.ts <bundle>`: a process as Lambda's would be, running the built
 * handler (`index.handler`) behind a local Function URL on PORT (any when unset); TLS_CERT and
 * TLS_KEY name the serving certificate's PEM files (plain http without them). Prints the URL as
 * its first line.
 */
if (import.meta.main) {
  const { readFile } = await import("node:fs/promises");
  const { pathToFileURL } = await import("node:url");
  installLambdaRuntime();
  const bundle = process.argv[2] ?? "";
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: StreamingHandler };
  const tls = process.env.TLS_CERT
    ? {
        certPem: await readFile(process.env.TLS_CERT, "utf8"),
        keyPem: await readFile(process.env.TLS_KEY ?? "", "utf8"),
      }
    : null;
  const { url } = await startFunctionUrl(handler, tls, Number(process.env.PORT ?? 0));
  console.log(url);
  process.on("SIGINT", () => process.exit(0));
}
