import { describe, expect, it } from "vitest";
import {
  dataFrame,
  frameType,
  HeaderDeflater,
  readFrames,
  synStream,
} from "../../../kube/network/spdy/frames.ts";
import { SpdyStreams } from "../../../kube/network/spdy/streams.ts";

/** A SpdyStreams whose output frames and handler calls are recorded. */
function connection(accept: (headers: Map<string, string>) => boolean = () => true) {
  const out: Buffer[] = [];
  const events: string[] = [];
  const spdy = new SpdyStreams((bytes) => out.push(bytes), {
    stream: (id, headers, fin) => {
      events.push(`stream ${id} ${headers.get("streamtype")}${fin ? " fin" : ""}`);
      return accept(headers);
    },
    data: (id, data, fin) => events.push(`data ${id} ${data.toString()}${fin ? " fin" : ""}`),
    reset: (id) => events.push(`reset ${id}`),
  });
  const frames = () => readFrames(Buffer.concat(out.splice(0))).frames;
  return { spdy, events, frames };
}

function ping(id: number): Buffer {
  const frame = Buffer.alloc(12);
  frame.writeUInt32BE(0x80030006, 0);
  frame.writeUIntBE(4, 5, 3);
  frame.writeUInt32BE(id, 8);
  return frame;
}

describe("a SPDY/3.1 connection as streams (the server's side)", () => {
  it("replies to the streams it accepts, resets those it refuses, and reads headers across frames", () => {
    const { spdy, events, frames } = connection((h) => h.get("streamtype") !== "bogus");
    const client = new HeaderDeflater();
    spdy.receive(synStream(client, 1, [["streamtype", "error"]]));
    spdy.receive(synStream(client, 3, [["streamtype", "bogus"]]));
    const replies = frames();
    expect(replies.map((f) => (f.control ? [f.type, f.payload.readUInt32BE(0)] : null))).toEqual([
      [frameType.synReply, 1],
      [frameType.rstStream, 3],
    ]);
    const reset = replies[1];
    expect(reset?.control && reset.payload.readUInt32BE(4)).toBe(1);
    // The second block is read with the first's compression context.
    expect(events).toEqual(["stream 1 error", "stream 3 bogus"]);
  });

  it("answers PING with the same id, and hands data and FIN on, even split mid-frame", () => {
    const { spdy, events, frames } = connection();
    const client = new HeaderDeflater();
    const bytes = Buffer.concat([
      synStream(client, 1, [["streamtype", "stdin"]]),
      dataFrame(1, Buffer.from("hello"), false),
      ping(7),
      dataFrame(1, Buffer.from("!"), true),
    ]);
    for (let at = 0; at < bytes.length; at += 5) spdy.receive(bytes.subarray(at, at + 5));
    expect(events).toEqual(["stream 1 stdin", "data 1 hello", "data 1 ! fin"]);
    const out = frames();
    const pong = out.find((f) => f.control && f.type === frameType.ping);
    expect(pong?.control && pong.payload.readUInt32BE(0)).toBe(7);
  });

  it("splits large writes into 32 KiB frames, FIN on the last only; close ends every stream and says GOAWAY", () => {
    const { spdy, frames, events } = connection();
    const client = new HeaderDeflater();
    spdy.receive(synStream(client, 1, [["streamtype", "stdout"]]));
    spdy.receive(synStream(client, 3, [["streamtype", "error"]]));
    frames();
    spdy.send(1, Buffer.alloc(70 * 1024, 1), true);
    const sent = frames();
    expect(sent.map((f) => (f.control ? "control" : [f.streamId, f.data.length, f.flags]))).toEqual([
      [1, 32 * 1024, 0],
      [1, 32 * 1024, 0],
      [1, 6 * 1024, 1],
    ]);
    // Nothing more on a stream we ended.
    spdy.send(1, Buffer.from("late"));
    expect(frames()).toEqual([]);
    spdy.close([1, 3]);
    const closing = frames();
    expect(
      closing.map((f) =>
        f.control ? ["control", f.type, f.payload.readUInt32BE(0)] : [f.streamId, f.flags],
      ),
    ).toEqual([
      [3, 1],
      ["control", frameType.goAway, 3],
    ]);
    spdy.receive(Buffer.from([0x80, 0x03, 0x00, 0x07, 0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0, 0]));
    expect(events.at(-1)).toBe("reset 0");
  });
});
