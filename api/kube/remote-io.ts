import type { RemoteIO } from "./remote-command.ts";

/**
 * The session's side of an exec or attach connection (RemoteIO), whatever carries its channels
 * (WebSocket messages, SPDY streams): frames from the client wait until the session listens, the
 * connection's end is heard once, and nothing is sent once either side closed it.
 */
export interface RemoteLink {
  io: RemoteIO;
  /** A frame from the client, for the session. */
  deliver(channel: number, data: Uint8Array): void;
  /** The connection ended (the client went, or the session closed it). */
  ended(): void;
}

/** What carries the channels: a frame out on a channel, and the connection's close. */
export interface ChannelTransport {
  send(channel: number, data: Uint8Array): void;
  close(): void;
}

export function remoteLink(protocol: string, transport: ChannelTransport): RemoteLink {
  const frameHandlers: ((channel: number, data: Uint8Array) => void)[] = [];
  const closeHandlers: (() => void)[] = [];
  const early: [number, Uint8Array][] = [];
  let over = false;
  let closed = false;
  const io: RemoteIO = {
    protocol,
    send: (channel, data) => {
      if (!over && !closed) transport.send(channel, data);
    },
    close: () => {
      if (closed) return;
      closed = true;
      transport.close();
    },
    onFrame: (h) => {
      frameHandlers.push(h);
      for (const f of early.splice(0)) h(...f);
    },
    onClose: (h) => {
      closeHandlers.push(h);
    },
  };
  return {
    io,
    deliver(channel, data) {
      if (!frameHandlers.length) early.push([channel, data]);
      for (const h of frameHandlers) h(channel, data);
    },
    ended() {
      if (over) return;
      over = true;
      for (const h of closeHandlers) h();
    },
  };
}
