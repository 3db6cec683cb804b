import type { ConsoleWrite } from "./console.ts";
import { type FileOp, sameOp } from "./file-ops.ts";
import type { LogAppend } from "./world.ts";

/**
 * Finds where a container's program starts repeating itself, so a loop that has run for a day
 * costs a few iterations, not a day of them. At every `sleep` it notes the shell's state (its
 * variables, directory and the sleep's argument). When the state at this sleep was seen m
 * sleeps ago and 2m sleeps ago, and both stretches in between wrote the same output, log lines
 * and file changes over the same time, without reading the clock, the program is in a loop whose every
 * turn is the same: the same state leads to the same steps. It then runs for ever, one turn
 * every `periodMs`.
 *
 * It can be fooled only by a loop whose state the shell does not show: `for x in a a a a`,
 * which would be taken to run for ever.
 */

/** A turn of a repeating loop: what it writes, relative to the turn's start. */
export interface Period {
  fromMs: number;
  periodMs: number;
  /** Index of the first console write and log append of the first turn. */
  fromWrite: number;
  fromAppend: number;
  writes: (Omit<ConsoleWrite, "atMs"> & { offsetMs: number })[];
  appends: (Omit<LogAppend, "atMs"> & { offsetMs: number })[];
  /** The turn's changes to files (a loop that appends to a file grows it every turn). */
  fileOps: (Omit<FileOp, "atMs"> & { offsetMs: number })[];
}

interface Mark {
  key: string;
  atMs: number;
  write: number;
  append: number;
  fileOp: number;
  readTime: boolean;
}

const maxTurn = 64;

export class PeriodDetector {
  private readonly marks: Mark[] = [];

  private readonly writes: ConsoleWrite[];
  private readonly appends: LogAppend[];
  private readonly fileOps: FileOp[];

  constructor(writes: ConsoleWrite[], appends: LogAppend[], fileOps: FileOp[] = []) {
    this.writes = writes;
    this.appends = appends;
    this.fileOps = fileOps;
  }

  /** Notes a sleep about to happen; the period, once the loop is seen to repeat. */
  observe(
    env: Map<string, string>,
    cwd: string,
    args: string[],
    atMs: number,
    readTime: boolean,
  ): Period | null {
    const vars = [...env.entries()].filter(([k]) => k !== "_" && k !== "RANDOM" && k !== "SECONDS");
    vars.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify([cwd, args, vars]);
    const mark: Mark = {
      key,
      atMs,
      write: this.writes.length,
      append: this.appends.length,
      fileOp: this.fileOps.length,
      readTime,
    };
    this.marks.push(mark);
    const k = this.marks.length - 1;
    for (let m = 1; m <= maxTurn && k - 2 * m >= 0; m++) {
      const j = k - m;
      const i = k - 2 * m;
      const [a, b] = [this.marks[i] as Mark, this.marks[j] as Mark];
      if (a.key !== key || b.key !== key) continue;
      const period = b.atMs - a.atMs;
      if (period <= 0 || mark.atMs - b.atMs !== period) continue;
      if (this.marks.slice(i + 1, k + 1).some((x) => x.readTime)) continue;
      if (!this.sameTurns(a, b, mark)) continue;
      return {
        fromMs: b.atMs,
        periodMs: period,
        fromWrite: b.write,
        fromAppend: b.append,
        writes: this.writes
          .slice(b.write, mark.write)
          .map((w) => ({ stream: w.stream, text: w.text, offsetMs: w.atMs - b.atMs })),
        appends: this.appends
          .slice(b.append, mark.append)
          .map((x) => ({ target: x.target, stream: x.stream, text: x.text, offsetMs: x.atMs - b.atMs })),
        fileOps: this.fileOps
          .slice(b.fileOp, mark.fileOp)
          .map((op) => ({ name: op.name, args: op.args, offsetMs: op.atMs - b.atMs })),
      };
    }
    // Keep the marks bounded: older ones cannot start a turn the search still looks at.
    if (this.marks.length > 4 * maxTurn) this.marks.splice(0, this.marks.length - 2 * maxTurn - 1);
    return null;
  }

  private sameTurns(a: Mark, b: Mark, c: Mark): boolean {
    if (
      b.write - a.write !== c.write - b.write ||
      b.append - a.append !== c.append - b.append ||
      b.fileOp - a.fileOp !== c.fileOp - b.fileOp
    )
      return false;
    for (let n = 0; n < b.write - a.write; n++) {
      const x = this.writes[a.write + n] as ConsoleWrite;
      const y = this.writes[b.write + n] as ConsoleWrite;
      if (x.text !== y.text || x.stream !== y.stream || x.atMs - a.atMs !== y.atMs - b.atMs) return false;
    }
    for (let n = 0; n < b.append - a.append; n++) {
      const x = this.appends[a.append + n] as LogAppend;
      const y = this.appends[b.append + n] as LogAppend;
      if (
        x.text !== y.text ||
        JSON.stringify(x.target) !== JSON.stringify(y.target) ||
        x.atMs - a.atMs !== y.atMs - b.atMs
      )
        return false;
    }
    for (let n = 0; n < b.fileOp - a.fileOp; n++) {
      const x = this.fileOps[a.fileOp + n] as FileOp;
      const y = this.fileOps[b.fileOp + n] as FileOp;
      if (!sameOp(x, y) || x.atMs - a.atMs !== y.atMs - b.atMs) return false;
    }
    return true;
  }
}
