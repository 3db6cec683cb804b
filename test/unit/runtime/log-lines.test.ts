import { describe, expect, it } from "vitest";
import type { Evaluation } from "../../../kube/runtime/shell/evaluate.ts";
import { timeAt } from "../../../kube/runtime/shell/log-time.ts";
import {
  currentLogFile,
  evaluationLines,
  formatLine,
  journalLines,
  logFileMaxBytes,
} from "../../../pods/logs.ts";

/** A container's log lines from its evaluation and the journal: tails, since, repeating turns. */

const start = Date.UTC(2026, 0, 1);
const day = 86_400_000;

const loop: Evaluation = {
  writes: [{ atMs: start, stream: "stdout", text: "first\n" }],
  appends: [],
  period: {
    fromMs: start + 3000,
    periodMs: 3000,
    writes: [
      { offsetMs: 0, stream: "stdout", text: "a\nb\n" },
      { offsetMs: 0, stream: "stderr", text: "c\n" },
    ],
    appends: [],
  },
  end: null,
  reachedMs: start + day,
  budgetSpent: false,
};

describe("log lines", () => {
  it("a day-old loop's tail comes from its last turns", () => {
    const t = performance.now();
    const lines = evaluationLines(loop, Number.NEGATIVE_INFINITY, start + day, 4);
    expect(lines.map((l) => l.text)).toEqual(["c", "a", "b", "c"]);
    expect(lines.at(-1)?.atMs).toBe(start + day);
    expect(performance.now() - t).toBeLessThan(50);
  });

  it("since keeps the lines from a time on, the concrete ones first", () => {
    const lines = evaluationLines(loop, start, start + 7000, undefined);
    expect(lines.map((l) => `${l.atMs - start}:${l.text}`)).toEqual([
      "0:first",
      "3000:a",
      "3000:b",
      "3000:c",
      "6000:a",
      "6000:b",
      "6000:c",
    ]);
    expect(evaluationLines(loop, start + 5000, start + 7000, undefined)).toHaveLength(3);
  });

  it("tail 0 is nothing", () => {
    expect(evaluationLines(loop, Number.NEGATIVE_INFINITY, start + day, 0)).toEqual([]);
  });

  it("journal lines repeat every period, their times filled in", () => {
    const rows = [
      { source: "s:1", atMs: start + 1000, periodMs: null, stream: "stdout" as const, text: "once" },
      {
        source: "s:p:0",
        atMs: start + 2000,
        periodMs: 5000,
        stream: "stdout" as const,
        text: `hit ${timeAt("%H:%M:%S")}`,
      },
    ];
    const lines = journalLines(rows, Number.NEGATIVE_INFINITY, start + 12_500, undefined);
    expect(lines.map((l) => l.text)).toEqual(["once", "hit 00:00:02", "hit 00:00:07", "hit 00:00:12"]);
    expect(journalLines(rows, Number.NEGATIVE_INFINITY, start + day, 2).map((l) => l.text)).toEqual([
      "hit 23:59:52",
      "hit 23:59:57",
    ]);
  });

  it("timestamps are RFC 3339 with nanoseconds", () => {
    expect(formatLine({ atMs: start + 1234, stream: "stdout", text: "x" }, true)).toBe(
      "2026-01-01T00:00:01.234000000Z x\n",
    );
    expect(formatLine({ atMs: start, stream: "stdout", text: "x" }, false)).toBe("x\n");
  });

  it("the current log file keeps the newest lines that fit, counted in UTF-8 with the kubelet's 41-byte prefix", () => {
    const text = "é".repeat(1000); // 2000 bytes
    const lines = Array.from({ length: 6000 }, (_, i) => ({ atMs: i, stream: "stdout" as const, text }));
    const kept = currentLogFile(lines);
    expect(kept).toHaveLength(Math.floor(logFileMaxBytes / 2041));
    expect(kept.at(-1)?.atMs).toBe(5999);
    const few = lines.slice(0, 10);
    expect(currentLogFile(few)).toBe(few);
  });
});
