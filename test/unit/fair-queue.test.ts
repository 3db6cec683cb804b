import { describe, expect, it } from "vitest";
import { FairQueue, type Release } from "../../api/flow-control/fair-queue.ts";
import { flowControlOf, loadConfig } from "../../config.ts";

/** A request's place: its release once seated, null when rejected, undefined while it waits. */
function track(seat: Promise<Release | null>) {
  const state: { release?: Release | null } = {};
  void seat.then((r) => {
    state.release = r;
  });
  return state;
}

const settle = () => new Promise((r) => setImmediate(r));

describe("FairQueue", () => {
  it("seats requests at once while seats are free, then queues them, then rejects past the queue", async () => {
    const q = new FairQueue({ seats: 2, queueLength: 1, queueWaitSeconds: 60 });
    const a = [track(q.seat("a")), track(q.seat("a")), track(q.seat("a")), track(q.seat("a"))];
    await settle();
    expect(a.map((s) => (s.release === undefined ? "waiting" : s.release ? "seated" : "rejected"))).toEqual([
      "seated",
      "seated",
      "waiting",
      "rejected",
    ]);
    a[0]?.release?.();
    await settle();
    expect(a[2]?.release).toBeTypeOf("function");
    expect(q.load("a")).toEqual({ executing: 2, waiting: 0 });
  });

  it("seats a flow with nothing in progress at once, even past the seats: a quiet caller never waits", async () => {
    const q = new FairQueue({ seats: 1, queueLength: 5, queueWaitSeconds: 60 });
    const noisy = [track(q.seat("noisy")), track(q.seat("noisy")), track(q.seat("noisy"))];
    const quiet = track(q.seat("quiet"));
    await settle();
    expect(quiet.release).toBeTypeOf("function");
    expect(noisy.map((s) => s.release === undefined)).toEqual([false, true, true]);
    // Its second request in progress at once does wait, as any flow's past the seats.
    const quietAgain = track(q.seat("quiet"));
    await settle();
    expect(quietAgain.release).toBeUndefined();
  });

  it("gives a seat given back to the waiting flow with fewest in progress, not the longest queue", async () => {
    const q = new FairQueue({ seats: 2, queueLength: 5, queueWaitSeconds: 60 });
    const noisy = [track(q.seat("noisy")), track(q.seat("noisy"))];
    const noisyWaiting = [track(q.seat("noisy")), track(q.seat("noisy"))];
    const other = track(q.seat("other"));
    const otherWaiting = track(q.seat("other"));
    await settle();
    expect(q.load()).toEqual({ executing: 3, waiting: 3 });
    other.release?.();
    noisy[0]?.release?.();
    await settle();
    // Seats: noisy 1, other 0 → other's request is next, though noisy's waited longer.
    expect(otherWaiting.release).toBeTypeOf("function");
    expect(noisyWaiting.map((s) => s.release)).toEqual([undefined, undefined]);
    noisy[1]?.release?.();
    await settle();
    expect(noisyWaiting[0]?.release).toBeTypeOf("function");
  });

  it("rejects a request that waited past the queue's wait, and forgets idle flows", async () => {
    const q = new FairQueue({ seats: 1, queueLength: 5, queueWaitSeconds: 0.01 });
    const first = track(q.seat("a"));
    const waiting = q.seat("a");
    expect(await waiting).toBeNull();
    first.release?.();
    first.release?.();
    expect(q.load()).toEqual({ executing: 0, waiting: 0 });
    expect(q.load("a")).toEqual({ executing: 0, waiting: 0 });
  });
});

describe("flow control settings", () => {
  it("come from the configuration, with defaults", () => {
    expect(flowControlOf(loadConfig({}))).toEqual({ seats: 16, queueLength: 128, queueWaitSeconds: 5 });
    expect(
      flowControlOf(
        loadConfig({
          FLOW_CONTROL_SEATS: "3",
          FLOW_CONTROL_QUEUE_LENGTH: "4",
          FLOW_CONTROL_QUEUE_WAIT_SECONDS: "6",
        }),
      ),
    ).toEqual({ seats: 3, queueLength: 4, queueWaitSeconds: 6 });
    expect(() => loadConfig({ FLOW_CONTROL_SEATS: "0" })).toThrow(/FLOW_CONTROL_SEATS/);
  });
});
