import type { AcceptedSocket } from "../accepted-socket.ts";
import type { RemoteCommand } from "./remote-command.ts";
import { remoteLink } from "./remote-io.ts";

const encoder = new TextEncoder();

/**
 * Carries a checked exec or attach session over a WebSocket of the channel protocol (v5 or v4):
 * each message is one byte of channel, then the payload, both ways. The same on every runtime
 * that accepts the WebSocket (Node's listener, workerd's fetch handler).
 */
export function carryRemoteCommand(socket: AcceptedSocket, protocol: string, session: RemoteCommand): void {
  const link = remoteLink(protocol, {
    send: (channel, data) => {
      const frame = new Uint8Array(data.length + 1);
      frame[0] = channel;
      frame.set(data, 1);
      socket.send(frame);
    },
    close: () => socket.close(1000),
  });
  socket.onMessage((data) => {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    if (bytes.length) link.deliver(bytes[0] as number, bytes.subarray(1));
  });
  socket.onClose(() => link.ended());
  session.run(link.io).catch(() => socket.close(1011));
}
