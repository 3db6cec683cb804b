import {
  dataFrame,
  flagFin,
  frameType,
  goAway,
  HeaderDeflater,
  HeaderInflater,
  pingReply,
  readFrames,
  readSynStream,
  rstStream,
  synReply,
} from "./frames.ts";

/**
 * A SPDY/3.1 connection seen as streams, the server's side (as moby/spdystream serves it for the
 * kubelet): the client opens streams with SYN_STREAM and headers, each is accepted with a
 * SYN_REPLY or refused with RST_STREAM; data frames carry their bytes, FIN ends a direction.
 * PINGs are answered; SETTINGS and WINDOW_UPDATE are read and ignored (spdystream does no flow
 * control either). Transport-free: bytes in through `receive`, out through `write`.
 */

export interface SpdyStreamHandlers {
  /** A stream the client opened; return false to refuse it (RST_STREAM, PROTOCOL_ERROR). */
  stream(streamId: number, headers: Map<string, string>, fin: boolean): boolean;
  /** Bytes on a stream; `fin` when the client will send no more on it. */
  data(streamId: number, data: Buffer, fin: boolean): void;
  /** The client reset a stream, or said GOAWAY (streamId 0). */
  reset(streamId: number): void;
}

/** The largest data frame we send (spdystream's own writes are no larger). */
const chunk = 32 * 1024;

export class SpdyStreams {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private readonly finished = new Set<number>();
  private lastStream = 0;
  private gone = false;

  private readonly write: (bytes: Buffer) => void;
  private readonly handlers: SpdyStreamHandlers;

  constructor(write: (bytes: Buffer) => void, handlers: SpdyStreamHandlers) {
    this.write = write;
    this.handlers = handlers;
  }

  /** Bytes read off the connection (need not be whole frames). */
  receive(bytes: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, bytes]) : bytes;
    const { frames, rest } = readFrames(this.buffer);
    this.buffer = rest;
    for (const frame of frames) {
      if (!frame.control) {
        this.handlers.data(frame.streamId, frame.data, (frame.flags & flagFin) !== 0);
        continue;
      }
      if (frame.type === frameType.synStream) {
        const { streamId, headers } = readSynStream(frame.payload, this.inflater);
        this.lastStream = Math.max(this.lastStream, streamId);
        if (this.handlers.stream(streamId, headers, (frame.flags & flagFin) !== 0))
          this.write(synReply(this.deflater, streamId));
        else this.write(rstStream(streamId, 1));
      } else if (frame.type === frameType.ping) this.write(pingReply(frame.payload));
      else if (frame.type === frameType.rstStream)
        this.handlers.reset(frame.payload.readUInt32BE(0) & 0x7fffffff);
      else if (frame.type === frameType.goAway) this.handlers.reset(0);
    }
  }

  /** Sends bytes on a stream, in frames of at most 32 KiB; `fin` ends our side of it. */
  send(streamId: number, data: Uint8Array, fin = false): void {
    if (this.gone || this.finished.has(streamId)) return;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length; at += chunk)
      this.write(dataFrame(streamId, bytes.subarray(at, at + chunk), fin && at + chunk >= bytes.length));
    if (fin) {
      if (!bytes.length) this.write(dataFrame(streamId, Buffer.alloc(0), true));
      this.finished.add(streamId);
    }
  }

  /** Ends our side of every stream named, then says GOAWAY: nothing more comes from us. */
  close(streamIds: Iterable<number>): void {
    for (const id of streamIds) this.send(id, new Uint8Array(), true);
    if (!this.gone) this.write(goAway(this.lastStream));
    this.gone = true;
  }
}
