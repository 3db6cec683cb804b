import type { IFileSystem } from "just-bash";

/**
 * What a container's main process does to its files, op by op and on the virtual clock: so a
 * loop seen to repeat can be carried on to any later time without running it (its turns' ops
 * applied again), and so a second evaluation of a process whose earlier writes are kept writes
 * only what came after them.
 */

/** The calls that change a filesystem, with their arguments. */
const changing = new Set([
  "writeFile",
  "appendFile",
  "mkdir",
  "rm",
  "cp",
  "mv",
  "chmod",
  "symlink",
  "link",
  "createExclusive",
]);

/** One change a process made, and when. */
export interface FileOp {
  name: string;
  args: unknown[];
  atMs: number;
}

/** Whether two calls are the same (same method, same paths, same content). */
export function sameOp(a: Omit<FileOp, "atMs">, b: Omit<FileOp, "atMs">): boolean {
  if (a.name !== b.name || a.args.length !== b.args.length) return false;
  return a.args.every((x, i) => sameValue(x, b.args[i]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A filesystem that notes every change made through it (while `armed`) at `now()`, and drops
 * those made at or before `keptUntilMs`: they are stored already. Paths under `passThrough`
 * (the console, /proc, /dev: in no layer) are neither noted nor dropped.
 */
export function notingChanges(
  fs: IFileSystem,
  options: { now: () => number; keptUntilMs: number; passThrough: (path: string) => boolean },
): { fs: IFileSystem; ops: FileOp[]; arm(): void } {
  const ops: FileOp[] = [];
  let armed = false;
  const noted = new Proxy(fs, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      if (typeof key !== "string" || !changing.has(key))
        return (...args: unknown[]) => value.apply(target, args);
      return async (...args: unknown[]) => {
        const paths = args.filter((a): a is string => typeof a === "string").slice(0, 2);
        if (!armed || paths.some(options.passThrough)) return value.apply(target, args);
        const atMs = options.now();
        ops.push({ name: key, args: args.map(copyArg), atMs });
        if (atMs <= options.keptUntilMs) return;
        return value.apply(target, args);
      };
    },
  });
  return {
    fs: noted,
    ops,
    arm() {
      armed = true;
    },
  };
}

function copyArg(a: unknown): unknown {
  return a instanceof Uint8Array ? a.slice() : a;
}

/** A turn of a repeating loop's file changes, relative to the turn's start. */
export interface FileTurn {
  fromMs: number;
  periodMs: number;
  ops: { name: string; args: unknown[]; offsetMs: number }[];
}

/**
 * The most a repeating loop's appends may add to a file when carried on: a node's disk would
 * take more, but what one pod keeps in storage is bounded (past it, the file stops growing).
 */
export const maxCarriedBytes = 8 * 1024 * 1024;

/**
 * Carries a repeating loop's file changes on from after `afterMs` up to `untilMs`: turn m (m ≥ 1)
 * makes its ops at `fromMs + m·periodMs + offset`. Whole turns in between are applied at once —
 * appends to a path that a turn only appends to are repeated as many times as there are turns,
 * any other op once (it leaves the same state however often it is made) — and the partial
 * turns at either end op by op. Errors are the process's (a cp of a file gone): ignored.
 */
export async function carryOn(
  fs: IFileSystem,
  turn: FileTurn,
  afterMs: number,
  untilMs: number,
): Promise<void> {
  if (!turn.ops.length || turn.periodMs <= 0 || untilMs <= afterMs) return;
  const at = (m: number, offsetMs: number) => turn.fromMs + m * turn.periodMs + offsetMs;
  const first = Math.max(1, Math.floor((afterMs - turn.fromMs) / turn.periodMs));
  const last = Math.floor((untilMs - turn.fromMs) / turn.periodMs);
  const apply = async (op: { name: string; args: unknown[] }) => {
    try {
      await (fs as unknown as Record<string, (...a: unknown[]) => Promise<void>>)[op.name]?.(...op.args);
    } catch {
      // As the process's own command would have failed.
    }
  };
  const partial = async (m: number) => {
    for (const op of turn.ops) {
      const t = at(m, op.offsetMs);
      if (t > afterMs && t <= untilMs) await apply(op);
    }
  };
  await partial(first);
  const whole = last - first - 1;
  if (whole > 0) {
    const appendOnly = new Map<string, boolean>();
    for (const op of turn.ops) {
      const path = String(op.args[0]);
      appendOnly.set(path, (appendOnly.get(path) ?? true) && op.name === "appendFile");
    }
    for (const op of turn.ops) if (!appendOnly.get(String(op.args[0]))) await apply(op);
    for (const [path, only] of appendOnly) {
      if (!only) continue;
      const parts = turn.ops
        .filter((op) => op.name === "appendFile" && op.args[0] === path)
        .map((op) => bytes(op.args[1]));
      const once = concat(parts);
      const times = Math.min(whole, Math.floor(maxCarriedBytes / Math.max(1, once.length)));
      await apply({ name: "appendFile", args: [path, repeat(once, times)] });
    }
  }
  if (last > first) await partial(last);
}

function bytes(content: unknown): Uint8Array {
  return typeof content === "string" ? new TextEncoder().encode(content) : (content as Uint8Array);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

function repeat(once: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(once.length * times);
  for (let i = 0; i < times; i++) out.set(once, i * once.length);
  return out;
}
