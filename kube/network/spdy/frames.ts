import { inflateSync, constants as zlib } from "node:zlib";
import { spdyDictionary } from "./dictionary.ts";

/**
 * SPDY/3.1 framing, as kubectl speaks it (moby/spdystream) on an upgraded socket or, port-forward
 * from 1.31, inside a WebSocket:
 * control frames (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS,
 * WINDOW_UPDATE) and data frames, and the zlib-compressed name/value header blocks, one
 * compression context per direction for the whole connection.
 */

export const frameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

/** FLAG_FIN, on control and data frames. */
export const flagFin = 0x01;

/** A frame read off the connection. */
export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Frames complete in `buffer`, and the bytes left over (a frame's beginning). */
export function readFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  while (buffer.length - at >= 8) {
    const first = buffer.readUInt32BE(at);
    const flags = buffer.readUInt8(at + 4);
    const length = buffer.readUIntBE(at + 5, 3);
    if (buffer.length - at < 8 + length) break;
    const body = buffer.subarray(at + 8, at + 8 + length);
    if (first & 0x80000000) frames.push({ control: true, type: first & 0xffff, flags, payload: body });
    else frames.push({ control: false, streamId: first & 0x7fffffff, flags, data: body });
    at += 8 + length;
  }
  return { frames, rest: buffer.subarray(at) };
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x8000 | 3) * 0x10000 + type, 0);
  head.writeUInt8(flags, 4);
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

/** A data frame (at most 16 MiB - 1 of data; callers split larger writes). */
export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt8(fin ? flagFin : 0, 4);
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

/** A header block's name/value pairs, uncompressed. */
function headerBlock(headers: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  const n = Buffer.alloc(4);
  n.writeUInt32BE(headers.length);
  parts.push(n);
  for (const [name, value] of headers) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32BE(bytes.length);
      parts.push(len, bytes);
    }
  }
  return Buffer.concat(parts);
}

function parseHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  if (block.length < 4) return headers;
  const count = block.readUInt32BE(0);
  let at = 4;
  for (let i = 0; i < count && at + 4 <= block.length; i++) {
    const nameLen = block.readUInt32BE(at);
    const name = block.subarray(at + 4, at + 4 + nameLen).toString("utf8");
    at += 4 + nameLen;
    const valueLen = block.readUInt32BE(at);
    const value = block.subarray(at + 4, at + 4 + valueLen).toString("utf8");
    at += 4 + valueLen;
    headers.set(name, value);
  }
  return headers;
}

/**
 * The peer's header compression: one zlib stream over every header block it sends. Each block
 * ends with a sync flush, so inflating everything received so far gives every block so far;
 * the new block is what follows the output already seen. (Header blocks are few: two per
 * forwarded connection.)
 */
export class HeaderInflater {
  private compressed = Buffer.alloc(0);
  private seen = 0;

  inflate(block: Buffer): Map<string, string> {
    this.compressed = Buffer.concat([this.compressed, block]);
    const all = inflateSync(this.compressed, { dictionary: spdyDictionary, finishFlush: zlib.Z_SYNC_FLUSH });
    const fresh = all.subarray(this.seen);
    this.seen = all.length;
    return parseHeaderBlock(fresh);
  }
}

/**
 * Our header compression: a zlib stream of stored (uncompressed) deflate blocks, which any
 * inflater reads whatever its dictionary; the zlib header goes before the first block only.
 */
const syncFlush = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

export class HeaderDeflater {
  private started = false;

  deflate(headers: [string, string][]): Buffer {
    const raw = headerBlock(headers);
    const stored = Buffer.alloc(5);
    stored.writeUInt8(0, 0); // BFINAL 0, BTYPE 00 (stored), padded to the byte
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const zlibHeader = this.started ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.started = true;
    // Then an empty stored block, as a sync flush ends: Go's inflater delivers a block's bytes
    // only when the next block begins, and must not read past this frame to find it.
    return Buffer.concat([zlibHeader, stored, raw, syncFlush]);
  }
}

/** SYN_REPLY for a stream, with headers. */
export function synReply(
  deflater: HeaderDeflater,
  streamId: number,
  headers: [string, string][] = [],
): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff);
  return controlFrame(frameType.synReply, 0, Buffer.concat([id, deflater.deflate(headers)]));
}

/** RST_STREAM with a status (1 PROTOCOL_ERROR, 3 REFUSED_STREAM, 5 CANCEL). */
export function rstStream(streamId: number, status: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(streamId & 0x7fffffff, 0);
  payload.writeUInt32BE(status, 4);
  return controlFrame(frameType.rstStream, 0, payload);
}

/** The same PING back (the peer's keep-alive). */
export function pingReply(payload: Buffer): Buffer {
  return controlFrame(frameType.ping, 0, payload);
}

/** GOAWAY, the last stream we accepted, status OK. */
export function goAway(lastStreamId: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  return controlFrame(frameType.goAway, 0, payload);
}

/** A SYN_STREAM's stream id and its headers. */
export function readSynStream(
  payload: Buffer,
  inflater: HeaderInflater,
): { streamId: number; headers: Map<string, string> } {
  const streamId = payload.readUInt32BE(0) & 0x7fffffff;
  return { streamId, headers: inflater.inflate(payload.subarray(10)) };
}

/** For tests and clients: a SYN_STREAM, its headers compressed by `deflater`. */
export function synStream(deflater: HeaderDeflater, streamId: number, headers: [string, string][]): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  return controlFrame(frameType.synStream, 0, Buffer.concat([head, deflater.deflate(headers)]));
}
