import { describe, expect, it } from "vitest";
import { remoteLink } from "../../../api/kube/remote-io.ts";

// The channel plumbing the WebSocket and SPDY remote-command paths share.
describe("a remote-command link", () => {
  const setUp = () => {
    const sent: [number, string][] = [];
    let closes = 0;
    const link = remoteLink("v5.channel.k8s.io", {
      send: (channel, data) => sent.push([channel, Buffer.from(data).toString()]),
      close: () => {
        closes++;
      },
    });
    return { link, sent, closes: () => closes };
  };

  it("keeps frames that come before the session listens, then hands them over in order", () => {
    const { link } = setUp();
    link.deliver(0, Buffer.from("a"));
    link.deliver(255, Uint8Array.of(0));
    const got: [number, string][] = [];
    link.io.onFrame((channel, data) => got.push([channel, Buffer.from(data).toString("hex")]));
    link.deliver(0, Buffer.from("b"));
    expect(got).toEqual([
      [0, "61"],
      [255, "00"],
      [0, "62"],
    ]);
  });

  it("tells the session of the end once, and sends nothing after it", () => {
    const { link, sent } = setUp();
    let ends = 0;
    link.io.onClose(() => ends++);
    link.io.send(1, Buffer.from("before"));
    link.ended();
    link.ended();
    link.io.send(1, Buffer.from("after"));
    expect(ends).toBe(1);
    expect(sent).toEqual([[1, "before"]]);
  });

  it("closes the transport once, and sends nothing after", () => {
    const { link, sent, closes } = setUp();
    link.io.close();
    link.io.close();
    link.io.send(3, Buffer.from("late"));
    expect(closes()).toBe(1);
    expect(sent).toEqual([]);
    expect(link.io.protocol).toBe("v5.channel.k8s.io");
  });
});
