/**
 * What running something in a container comes to, over time: it keeps running, or it is done
 * after `ms` milliseconds with an exit status. `exited` marks an `exit` (or `exec`) that ends
 * the whole shell rather than one command of it.
 */
export type Outcome = { kind: "forever" } | { kind: "done"; status: number; ms: number; exited?: boolean };

/** What a process may read while it runs. */
export interface ProcessContext {
  /** The container keeps stdin open (`kubectl run -i`): REPLs and bare shells wait on it. */
  stdin: boolean;
}

/** Runs a program (argv[0] by path or name): how a shell runs the commands of its script. */
export type ProgramRunner = (argv: string[], ctx: ProcessContext) => Outcome;

/** Keeps running. */
export const forever: Outcome = { kind: "forever" };

/** Done at once with a status. */
export function done(status: number, ms = 0): Outcome {
  return { kind: "done", status, ms };
}

/** Reads a sleep-style duration ("5", "0.5", "2m", "1h", "1d"); null when it is not one. */
export function parseSeconds(text: string): number | null {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!m) return null;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}
