import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import type { RemoteCommand } from "../../../api/kube/remote-command.ts";
import { HeaderDeflater, readFrames, synStream } from "../../../kube/network/spdy/frames.ts";
import { podView } from "../../../kube/network/world.ts";
import type { Pod } from "../../../kube/types/core-v1.ts";
import { serveOverSpdy } from "../../../server/port-forward.ts";
import { serveRemoteCommandOverSpdy } from "../../../server/remote-command-spdy.ts";

// Bytes a SPDY client sends that cannot be read, or work they start that throws, end that
// connection (its socket destroyed) and nothing else: no exception escapes to the process
// (vitest fails a file on an uncaught one), and another connection served afterwards works.

/** A socket stand-in: what the server wrote, and a promise of its being destroyed. */
function socketPair() {
  const written: Buffer[] = [];
  let destroyed!: () => void;
  const gone = new Promise<void>((r) => {
    destroyed = r;
  });
  const socket = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      written.push(Buffer.from(chunk));
      cb();
    },
    destroy(err, cb) {
      destroyed();
      cb(err);
    },
  });
  /** The SPDY frames written after the 101. */
  const frames = () => {
    const all = Buffer.concat(written);
    return readFrames(all.subarray(all.indexOf("\r\n\r\n") + 4)).frames;
  };
  return { socket, gone, frames };
}

/** A control frame of SPDY/3 with any payload, well-formed or not. */
function controlFrame(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x8000 | 3) * 0x10000 + type, 0);
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

const malformed: [string, Buffer][] = [
  ["a SYN_STREAM too short to name its stream", controlFrame(1, Buffer.from([0, 0]))],
  [
    "a SYN_STREAM whose header block does not inflate",
    controlFrame(
      1,
      Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from("not zlib at all")]),
    ),
  ],
  ["a RST_STREAM without its stream id", controlFrame(3, Buffer.alloc(0))],
];

const pod: Pod = {
  metadata: { name: "web", namespace: "default", uid: "u-1" },
  spec: { containers: [{ name: "nginx", image: "nginx" }] },
  status: { phase: "Running", containerStatuses: [] },
};

/** A port-forward target whose network cannot be read: forwarding fails with a thrown error. */
const failingTarget = {
  pod: podView(pod),
  network: async () => {
    throw new Error("the network could not be read");
  },
};

/** A session that answers nothing: the frames are what is under test. */
const idle: RemoteCommand = { run: async () => {} };

describe("port-forward over SPDY: what cannot be read ends the session, not the process", () => {
  it.each(malformed)("%s: the socket is destroyed", async (_name, frame) => {
    const { socket, gone } = socketPair();
    serveOverSpdy(socket, Buffer.alloc(0), failingTarget);
    socket.push(frame);
    await gone;
    expect(socket.destroyed).toBe(true);
  });

  it("a malformed frame in the upgrade's head (read before the socket's own data) also ends it", async () => {
    const { socket, gone } = socketPair();
    serveOverSpdy(socket, controlFrame(1, Buffer.from([0])), failingTarget);
    await gone;
    expect(socket.destroyed).toBe(true);
  });

  it("a forwarded connection whose work throws ends the session after its streams were accepted", async () => {
    const { socket, gone, frames } = socketPair();
    serveOverSpdy(socket, Buffer.alloc(0), failingTarget);
    const client = new HeaderDeflater();
    const headers = (type: string): [string, string][] => [
      ["streamtype", type],
      ["port", "80"],
      ["requestid", "0"],
    ];
    socket.push(
      Buffer.concat([synStream(client, 1, headers("error")), synStream(client, 3, headers("data"))]),
    );
    await gone;
    // Both streams were accepted (SYN_REPLY) before the failure closed the connection.
    expect(frames().filter((f) => f.control && f.type === 2)).toHaveLength(2);
  });

  it("a well-formed session still works after a malformed one was ended", async () => {
    const bad = socketPair();
    serveOverSpdy(bad.socket, Buffer.alloc(0), failingTarget);
    bad.socket.push(malformed[0]?.[1]);
    await bad.gone;
    const good = socketPair();
    serveOverSpdy(good.socket, Buffer.alloc(0), failingTarget);
    const ping = controlFrame(6, Buffer.from([0, 0, 0, 1]));
    good.socket.push(ping);
    await new Promise((r) => setImmediate(r));
    expect(good.socket.destroyed).toBe(false);
    expect(good.frames()).toEqual([{ control: true, type: 6, flags: 0, payload: Buffer.from([0, 0, 0, 1]) }]);
    good.socket.destroy();
  });
});

describe("exec over SPDY: what cannot be read ends the connection, not the process", () => {
  it.each(malformed)("%s: the socket is destroyed", async (_name, frame) => {
    const { socket, gone } = socketPair();
    serveRemoteCommandOverSpdy(
      socket,
      Buffer.alloc(0),
      new URL("https://x/exec?command=cat&stdout=true"),
      "v4.channel.k8s.io",
      idle,
    );
    socket.push(frame);
    await gone;
    expect(socket.destroyed).toBe(true);
  });
});
