import { InMemoryFs } from "just-bash";
import { describe, expect, it } from "vitest";
import { carryOn, maxCarriedBytes, notingChanges } from "../../../kube/runtime/shell/file-ops.ts";

// A repeating loop's file changes, carried on to a later time without running it.
describe("carryOn", () => {
  const turn = {
    fromMs: 1000,
    periodMs: 10,
    ops: [
      { name: "appendFile", args: ["/a", "x"], offsetMs: 2 },
      { name: "writeFile", args: ["/w", "same"], offsetMs: 5 },
      { name: "appendFile", args: ["/a", "y"], offsetMs: 8 },
    ],
  };

  it("adds each turn's appends once per turn, partial turns at either end op by op", async () => {
    const fs = new InMemoryFs();
    // Turn 1 is 1010–1020: after 1013 its "y" (1018) comes; then turns 2–4 whole; then turn 5 up to 1052 ("x").
    await carryOn(fs, turn, 1013, 1052);
    expect(await fs.readFile("/a")).toBe(`y${"xy".repeat(3)}x`);
    expect(await fs.readFile("/w")).toBe("same");
  });

  it("adds nothing when no turn falls in the window", async () => {
    const fs = new InMemoryFs();
    await carryOn(fs, turn, 1020, 1020);
    await carryOn(fs, turn, 1030, 1011);
    expect(await fs.exists("/a")).toBe(false);
  });

  it("stops a file's growth at its bound, however often it is carried on, and in all at one carrying", async () => {
    const fs = new InMemoryFs();
    const grows = {
      fromMs: 0,
      periodMs: 1,
      ops: [{ name: "appendFile", args: ["/big", "0123456789"], offsetMs: 1 }],
    };
    await carryOn(fs, grows, 0, 1e9);
    await carryOn(fs, grows, 1e9, 2e9);
    const size = (await fs.stat("/big")).size;
    expect(size).toBeLessThanOrEqual(maxCarriedBytes + 20);
    expect(size).toBeGreaterThan(maxCarriedBytes - 20);
    const many = {
      fromMs: 0,
      periodMs: 1,
      ops: Array.from({ length: 10 }, (_, i) => ({
        name: "appendFile",
        args: [`/f${i}`, "0123456789"],
        offsetMs: 1,
      })),
    };
    const other = new InMemoryFs();
    await carryOn(other, many, 0, 1e9);
    let total = 0;
    for (let i = 0; i < 10; i++) total += (await other.stat(`/f${i}`)).size;
    expect(total).toBeLessThanOrEqual(maxCarriedBytes + 200);
  });

  it("a file the turn also writes, moves or removes is made once per turn, not appended to", async () => {
    const fs = new InMemoryFs();
    // echo x > /tmp; mv /tmp /log; echo y >> /log; sleep 1
    const turn = {
      fromMs: 0,
      periodMs: 10,
      ops: [
        { name: "writeFile", args: ["/tmp", "x\n"], offsetMs: 1 },
        { name: "mv", args: ["/tmp", "/log"], offsetMs: 2 },
        { name: "appendFile", args: ["/log", "y\n"], offsetMs: 3 },
      ],
    };
    await carryOn(fs, turn, 5, 1000);
    expect(await fs.readFile("/log")).toBe("x\ny\n");
  });
});

describe("notingChanges", () => {
  it("notes changes once armed, drops those at or before the kept time, passes others through", async () => {
    let now = 5;
    const base = new InMemoryFs();
    const noted = notingChanges(base, {
      now: () => now,
      keptUntilMs: 10,
      passThrough: (p) => p.startsWith("/proc"),
    });
    await noted.fs.writeFile("/stub", "before arming");
    noted.arm();
    await noted.fs.writeFile("/early", "kept already");
    await noted.fs.writeFile("/proc/x", "through");
    // A path is what is checked, not the content.
    await noted.fs.appendFile("/data", "/dev/sda1\n");
    now = 11;
    await noted.fs.appendFile("/late", "new");
    expect(noted.ops.map((o) => [o.name, o.args[0], o.atMs])).toEqual([
      ["writeFile", "/early", 5],
      ["appendFile", "/data", 5],
      ["appendFile", "/late", 11],
    ]);
    expect(await base.exists("/stub")).toBe(true);
    expect(await base.exists("/early")).toBe(false);
    expect(await base.readFile("/proc/x")).toBe("through");
    expect(await base.readFile("/late")).toBe("new");
  });
});
