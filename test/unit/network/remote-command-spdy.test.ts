import type { IncomingMessage } from "node:http";
import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import type { RemoteCommand } from "../../../api/kube/remote-command.ts";
import {
  dataFrame,
  type Frame,
  frameType,
  HeaderDeflater,
  readFrames,
  synStream,
} from "../../../kube/network/spdy/frames.ts";
import {
  negotiateSpdyRemoteCommand,
  serveRemoteCommandOverSpdy,
} from "../../../server/remote-command-spdy.ts";

/** A session that echoes stdin, once it ended, on stdout and fails with exit code 3. */
const echo: RemoteCommand = {
  run: async (io) => {
    const chunks: Buffer[] = [];
    io.onFrame((channel, data) => {
      if (channel === 0) chunks.push(Buffer.from(data));
      if (channel === 255) {
        io.send(1, Buffer.from(`got:${Buffer.concat(chunks).toString()}`));
        io.send(
          3,
          Buffer.from(
            JSON.stringify({
              status: "Failure",
              message: "command terminated with non-zero exit code: exit status 3",
              reason: "NonZeroExitCode",
            }),
          ),
        );
        io.close();
      }
    });
  },
};

/** Runs the session over a socket stand-in with a protocol; the frames the server wrote after its 101. */
async function converse(
  offered: string,
  query: string,
  streams: string[],
  input: string,
): Promise<{ head: string; frames: Frame[] }> {
  const written: Buffer[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => {
    ended = r;
  });
  const socket = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      written.push(Buffer.from(chunk));
      cb();
    },
    final(cb) {
      ended();
      cb();
    },
  });
  const protocol = negotiateSpdyRemoteCommand({
    headers: { "x-stream-protocol-version": offered },
  } as unknown as IncomingMessage);
  expect(typeof protocol).toBe("string");
  serveRemoteCommandOverSpdy(
    socket,
    Buffer.alloc(0),
    new URL(`https://x/exec?${query}`),
    protocol as string,
    echo,
  );
  const client = new HeaderDeflater();
  streams.forEach((type, i) => {
    socket.push(synStream(client, 2 * i + 1, [["streamtype", type]]));
  });
  const stdin = 2 * streams.indexOf("stdin") + 1;
  socket.push(dataFrame(stdin, Buffer.from(input), true));
  await done;
  const all = Buffer.concat(written);
  const split = all.indexOf("\r\n\r\n") + 4;
  return { head: all.subarray(0, split).toString(), frames: readFrames(all.subarray(split)).frames };
}

const dataOn = (frames: Frame[], id: number) =>
  Buffer.concat(frames.flatMap((f) => (!f.control && f.streamId === id ? [f.data] : []))).toString();

describe("exec over SPDY/3.1: the session's channels on streams", () => {
  it("v4: answers 101 with the protocol, echoes stdin on stdout, the Status on the error stream, FIN on each, GOAWAY", async () => {
    const { head, frames } = await converse(
      "v4.channel.k8s.io, v3.channel.k8s.io",
      "command=cat&stdin=true&stdout=true&stderr=true",
      ["error", "stdin", "stdout", "stderr"],
      "hello",
    );
    expect(head).toContain("HTTP/1.1 101 Switching Protocols\r\n");
    expect(head).toContain("X-Stream-Protocol-Version: v4.channel.k8s.io\r\n");
    expect(frames.filter((f) => f.control && f.type === frameType.synReply)).toHaveLength(4);
    expect(dataOn(frames, 5)).toBe("got:hello");
    expect(JSON.parse(dataOn(frames, 1))).toMatchObject({ reason: "NonZeroExitCode" });
    const fins = frames.flatMap((f) => (!f.control && f.flags & 1 ? [f.streamId] : []));
    expect(fins.sort()).toEqual([1, 3, 5, 7]);
    expect(frames.at(-1)).toMatchObject({ control: true, type: frameType.goAway });
  });

  it("v2: the error stream carries the failure's message as text", async () => {
    const { head, frames } = await converse(
      "v2.channel.k8s.io",
      "command=cat&stdin=true&stdout=true&stderr=true",
      ["error", "stdin", "stdout", "stderr"],
      "x",
    );
    expect(head).toContain("X-Stream-Protocol-Version: v2.channel.k8s.io\r\n");
    expect(dataOn(frames, 1)).toBe("command terminated with non-zero exit code: exit status 3");
  });

  it("refuses a client speaking none of the protocols, as the kubelet does", async () => {
    const refused = negotiateSpdyRemoteCommand({
      headers: { "x-stream-protocol-version": "v5.channel.k8s.io" },
    } as unknown as IncomingMessage);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(403);
    expect((refused as Response).headers.get("x-accepted-stream-protocol-versions")).toBe(
      "v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io",
    );
  });
});
