import type { PodNetwork } from "./context.ts";
import { connect, type OpenConnection } from "./conversation.ts";
import { podListener } from "./route.ts";
import { SpdyStreams } from "./spdy/streams.ts";
import type { PodView } from "./world.ts";

/**
 * The kubelet's side of `kubectl port-forward` (portforward.k8s.io over SPDY/3.1): for each
 * local connection kubectl opens an error stream and a data stream with the same request id and
 * the pod's port; the data stream's bytes go to what listens on that port inside the pod (as a
 * connection to localhost in the pod's network namespace), its answers come back as data, and
 * a port nothing listens on is reported on the error stream as the kubelet words it.
 */

interface Pair {
  port: number;
  errorStream?: number;
  dataStream?: number;
  connection?: OpenConnection | null;
  pending: Buffer[];
  clientDone: boolean;
  closed: boolean;
}

/** Where port-forward connects: the pod, its network, and how to fetch a fresh network per connection. */
export interface PortForwardTarget {
  pod: PodView;
  /** The network as seen from inside the pod (read afresh for each forwarded connection). */
  network(): Promise<PodNetwork>;
  /**
   * Watches for what ends the forward from outside (the pod stopped or gone, the token revoked)
   * and calls `end` then; returns the function that stops watching.
   */
  endsWhen?(end: () => void): () => void;
}

/** One port-forward connection: bytes from kubectl in, bytes to kubectl out through `send`. */
export class PortForwardSession {
  private readonly spdy: SpdyStreams;
  private readonly pairs = new Map<string, Pair>();
  private readonly streams = new Map<number, { request: string; type: string }>();
  private queue: Promise<void> = Promise.resolve();

  private readonly target: PortForwardTarget;
  private readonly onError: (err: unknown) => void;

  constructor(
    target: PortForwardTarget,
    send: (bytes: Buffer) => void,
    onError: (err: unknown) => void = () => {},
  ) {
    this.target = target;
    this.onError = onError;
    // Frames are read at once (replies, PINGs); the work they start runs in order, one at a time.
    this.spdy = new SpdyStreams(send, {
      stream: (id, headers, fin) => this.open(id, headers, fin),
      data: (id, data, fin) => this.enqueue(() => this.data(id, data, fin)),
      reset: (id) => this.reset(id),
    });
  }

  /** Bytes kubectl sent (one WebSocket message, or a socket read: need not hold whole frames). */
  receive(bytes: Buffer): void {
    try {
      this.spdy.receive(bytes);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Resolves once every byte received so far is handled. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** The client went away: end every forwarded connection. */
  close(): void {
    this.spdy.close([]);
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch(this.onError);
  }

  /** A stream kubectl opened: accepted (and the pair started once both are there) or refused. */
  private open(streamId: number, headers: Map<string, string>, fin: boolean): boolean {
    const type = headers.get("streamtype") ?? "";
    const port = Number(headers.get("port") ?? "");
    const request = headers.get("requestid") ?? String(streamId);
    if ((type !== "error" && type !== "data") || !Number.isInteger(port) || port <= 0 || port > 65535)
      return false;
    this.streams.set(streamId, { request, type });
    const pair = this.pairs.get(request) ?? { port, pending: [], clientDone: false, closed: false };
    this.pairs.set(request, pair);
    if (type === "error") pair.errorStream = streamId;
    else {
      pair.dataStream = streamId;
      pair.clientDone = fin;
    }
    if (pair.errorStream !== undefined && pair.dataStream !== undefined) this.enqueue(() => this.start(pair));
    return true;
  }

  private async start(pair: Pair): Promise<void> {
    const net = await this.target.network();
    const pod = this.target.pod;
    if (!podListener(pod, pair.port)) {
      const reason = `failed to connect to localhost:${pair.port} inside namespace "${pod.uid}", IPv4: dial tcp4 127.0.0.1:${pair.port}: connect: connection refused IPv6 dial tcp6 [::1]:${pair.port}: connect: connection refused `;
      this.fail(pair, `error forwarding port ${pair.port} to pod ${pod.uid}, uid : ${reason}`);
      return;
    }
    const open = await connect(net, "127.0.0.1", pair.port);
    if (open.kind !== "open") {
      this.fail(pair, `error forwarding port ${pair.port} to pod ${pod.uid}, uid : connection refused`);
      return;
    }
    pair.connection = open;
    const pending = pair.pending;
    pair.pending = [];
    for (const bytes of pending) await this.forward(pair, bytes);
    if (pair.clientDone) await this.finish(pair);
  }

  private fail(pair: Pair, message: string): void {
    pair.connection = null;
    if (pair.errorStream !== undefined) this.spdy.send(pair.errorStream, Buffer.from(message), true);
    if (pair.dataStream !== undefined) this.spdy.send(pair.dataStream, Buffer.alloc(0), true);
    pair.closed = true;
  }

  private async data(streamId: number, bytes: Buffer, fin: boolean): Promise<void> {
    const stream = this.streams.get(streamId);
    const pair = stream ? this.pairs.get(stream.request) : undefined;
    if (!stream || !pair || stream.type !== "data") return;
    if (pair.connection === undefined) {
      if (bytes.length) pair.pending.push(bytes);
      pair.clientDone ||= fin;
      return;
    }
    if (bytes.length) await this.forward(pair, bytes);
    if (fin) await this.finish(pair);
  }

  private async forward(pair: Pair, bytes: Buffer): Promise<void> {
    if (!pair.connection || pair.closed) return;
    const reply = await pair.connection.send(bytes.toString("latin1"));
    this.answer(pair, reply.data, reply.close);
  }

  private async finish(pair: Pair): Promise<void> {
    if (!pair.connection || pair.closed) return;
    const reply = await pair.connection.end();
    this.answer(pair, reply.data, true);
  }

  private answer(pair: Pair, data: string, close: boolean): void {
    if (pair.dataStream === undefined || pair.closed) return;
    this.spdy.send(pair.dataStream, Buffer.from(data, "latin1"));
    if (close) {
      this.spdy.send(pair.dataStream, Buffer.alloc(0), true);
      if (pair.errorStream !== undefined) this.spdy.send(pair.errorStream, Buffer.alloc(0), true);
      pair.closed = true;
    }
  }

  private reset(streamId: number): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    const pair = this.pairs.get(stream.request);
    if (pair) pair.closed = true;
  }
}
