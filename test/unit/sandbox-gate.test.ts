import { describe, expect, it } from "vitest";
import { SandboxGate } from "../../db/sandbox-gate.ts";

/** A promise and the functions that settle it. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("the sandbox gate", () => {
  it("lets one write per sandbox out at a time, in arrival order, and sandboxes apart", async () => {
    const gate = new SandboxGate();
    const log: string[] = [];
    const first = deferred();
    const second = deferred();
    const a1 = gate.run("a", async () => {
      log.push("a1");
      await first.promise;
    });
    const a2 = gate.run("a", async () => {
      log.push("a2");
      await second.promise;
    });
    const a3 = gate.run("a", async () => log.push("a3"));
    const b1 = gate.run("b", async () => log.push("b1"));
    await tick();
    expect(log).toEqual(["a1", "b1"]);
    first.resolve();
    await tick();
    expect(log).toEqual(["a1", "b1", "a2"]);
    second.resolve();
    await Promise.all([a1, a2, a3, b1]);
    expect(log).toEqual(["a1", "b1", "a2", "a3"]);
    expect(gate.size).toBe(0);
  });

  it("passes the turn on when a write fails, and gives the failure to its caller", async () => {
    const gate = new SandboxGate();
    const failing = deferred();
    const a1 = gate.run("a", () => failing.promise);
    const a2 = gate.run("a", async () => "a2 ran");
    failing.reject(new Error("conflict"));
    await expect(a1).rejects.toThrow("conflict");
    await expect(a2).resolves.toBe("a2 ran");
    expect(gate.size).toBe(0);
  });
});
