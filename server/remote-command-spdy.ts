import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { RemoteCommand } from "../api/kube/remote-command.ts";
import { remoteLink } from "../api/kube/remote-io.ts";
import { SpdyStreams } from "../kube/network/spdy/streams.ts";
import { log } from "../log.ts";
import { serveSpdy, spdyHandshake } from "./spdy-upgrade.ts";

/**
 * `kubectl exec`, `attach` and `cp` over SPDY/3.1 (kubectl before 1.30): the client opens one
 * stream per channel, named by its `streamtype` header; once all it will open are there (as the
 * kubelet waits for them) the same session as the WebSocket path's runs, its channels mapped to
 * the streams. stdin's FIN is the v5 close signal; the end sends FIN on every stream and GOAWAY.
 */

/** The channel protocols spoken over SPDY, best first (the kubelet's list). */
export const spdyRemoteCommandProtocols = [
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
];

const channelOf: Record<string, number> = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 };
const closeChannel = 255;

/** How long the client has to open its streams (the kubelet's streamCreationTimeout is 30 s). */
const streamCreationMs = 30_000;

/** The protocol to answer with, or the kubelet's refusal when the client speaks none of ours. */
export function negotiateSpdyRemoteCommand(req: IncomingMessage): string | Response {
  return spdyHandshake(req, spdyRemoteCommandProtocols);
}

/** The streams kubectl opens for a request's flags, as the kubelet counts them. */
function expectedStreams(url: URL, protocol: string): number {
  const flag = (n: string) => url.searchParams.get(n) === "true" || url.searchParams.get(n) === "1";
  const tty = flag("tty");
  const resizes = protocol === "v4.channel.k8s.io" || protocol === "v3.channel.k8s.io";
  return (
    1 +
    Number(flag("stdin")) +
    Number(flag("stdout")) +
    Number(flag("stderr") && !tty) +
    Number(tty && resizes)
  );
}

/**
 * Before v4 the error stream carries the failure's message as text (a success, nothing); v4
 * carries the Status itself.
 */
function errorPayload(protocol: string, data: Uint8Array): Uint8Array | null {
  if (protocol === "v4.channel.k8s.io") return data;
  try {
    const status = JSON.parse(Buffer.from(data).toString("utf8")) as { status?: string; message?: string };
    return status.status === "Success" ? null : Buffer.from(status.message ?? "");
  } catch {
    return data;
  }
}

/** Switches the socket to SPDY and runs the checked session on it. */
export function serveRemoteCommandOverSpdy(
  socket: Duplex,
  head: Buffer,
  url: URL,
  protocol: string,
  session: RemoteCommand,
): void {
  const streamOf = new Map<number, number>(); // channel → stream id
  const channelOfStream = new Map<number, number>();
  const expected = expectedStreams(url, protocol);
  let started = false;
  const timer = setTimeout(() => {
    if (started) return;
    log.warn({ opened: streamOf.size, expected }, "exec over SPDY: the client did not open its streams");
    socket.destroy();
  }, streamCreationMs);
  timer.unref();

  const spdy = new SpdyStreams(
    (bytes) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes);
    },
    {
      stream: (id, headers) => {
        const channel = channelOf[headers.get("streamtype") ?? ""];
        if (channel === undefined || streamOf.has(channel)) return false;
        streamOf.set(channel, id);
        channelOfStream.set(id, channel);
        if (!started && streamOf.size >= expected) start();
        return true;
      },
      data: (id, data, fin) => {
        const channel = channelOfStream.get(id);
        if (channel === undefined) return;
        if (data.length) link.deliver(channel, data);
        if (fin && channel === channelOf.stdin) link.deliver(closeChannel, Uint8Array.of(channel));
      },
      reset: (id) => {
        if (id === 0) link.ended();
      },
    },
  );

  const link = remoteLink(protocol, {
    send: (channel, data) => {
      const id = streamOf.get(channel);
      if (id === undefined) return;
      const payload = channel === channelOf.error ? errorPayload(protocol, data) : data;
      if (payload?.length) spdy.send(id, payload);
    },
    close: () => {
      spdy.close(streamOf.values());
      socket.end();
    },
  });
  function start() {
    started = true;
    clearTimeout(timer);
    // The first protocol has no stdin to speak of: the kubelet closes it once the streams are up.
    if (protocol === "channel.k8s.io") link.deliver(closeChannel, Uint8Array.of(channelOf.stdin as number));
    session.run(link.io).catch((err) => {
      log.error({ err }, "exec over SPDY: the session failed");
      socket.destroy();
    });
  }

  socket.on("close", () => link.ended());
  serveSpdy(socket, head, protocol, (bytes) => spdy.receive(bytes));
}
