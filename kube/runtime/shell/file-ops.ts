import type { IFileSystem } from "just-bash";
import { concatBytes } from "../../bytes.ts";

/**
 * What a container's main process does to its files, op by op and on the virtual clock: so a
 * loop seen to repeat can be carried on to any later time without running it (its turns' ops
 * applied again), and so a second evaluation of a process whose earlier writes are kept writes
 * only what came after them.
 */

/** The calls that change a filesystem, and how many of their first arguments are paths. */
const changing = new Map([
  ["writeFile", 1],
  ["appendFile", 1],
  ["mkdir", 1],
  ["rm", 1],
  ["chmod", 1],
  ["createExclusive", 1],
  ["cp", 2],
  ["mv", 2],
  ["symlink", 2],
  ["link", 2],
]);

/** The paths a call names (a symlink's target is text, not a path it changes). */
function pathsOf(op: Pick<FileOp, "name" | "args">): string[] {
  const n = op.name === "symlink" ? 1 : (changing.get(op.name) ?? 0);
  const args = op.name === "symlink" ? op.args.slice(1) : op.args;
  return args.slice(0, n).filter((a): a is string => typeof a === "string");
}

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
        if (!armed || pathsOf({ name: key, args }).some(options.passThrough))
          return value.apply(target, args);
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
 * The most a repeating loop's appends may make a file, and add in all at one carrying on: a
 * node's disk would take more, but what one pod keeps in storage is bounded (past it, the file
 * stops growing).
 */
export const maxCarriedBytes = 8 * 1024 * 1024;

/** Whether `path` is `other` or inside it. */
const within = (path: string, other: string) => path === other || path.startsWith(`${other}/`);

/**
 * Carries a repeating loop's file changes on from after `afterMs` up to `untilMs`: turn m (m ≥ 1)
 * makes its ops at `fromMs + m·periodMs + offset`. Whole turns in between are applied at once:
 * appends to a file nothing else in the turn touches (no write, move, copy or removal of it or a
 * directory it is in) are repeated as many times as there are turns, up to `maxCarriedBytes` a
 * file and in all; every other op is made once, in order (it leaves the same state however
 * often it is made). The partial turns at either end are made op by op. Errors are the
 * process's (a cp of a file gone): ignored.
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
    // Files only appended to: what else the turn changes touches none of them.
    const others = turn.ops.filter((op) => op.name !== "appendFile").flatMap(pathsOf);
    const appendOnly = (path: string) => !others.some((o) => within(path, o));
    for (const op of turn.ops)
      if (op.name !== "appendFile" || !appendOnly(String(op.args[0]))) await apply(op);
    let budget = maxCarriedBytes;
    const appended = new Map<string, Uint8Array[]>();
    for (const op of turn.ops)
      if (op.name === "appendFile" && appendOnly(String(op.args[0])))
        appended.set(String(op.args[0]), [...(appended.get(String(op.args[0])) ?? []), bytes(op.args[1])]);
    for (const [path, parts] of appended) {
      const once = concatBytes(parts);
      const size = await fs.stat(path).then(
        (st) => st.size,
        () => 0,
      );
      const room = Math.min(budget, maxCarriedBytes - size);
      const times = Math.min(whole, Math.floor(Math.max(0, room) / Math.max(1, once.length)));
      if (times <= 0) continue;
      budget -= times * once.length;
      await apply({ name: "appendFile", args: [path, repeat(once, times)] });
    }
  }
  if (last > first) await partial(last);
}

function bytes(content: unknown): Uint8Array {
  return typeof content === "string" ? new TextEncoder().encode(content) : (content as Uint8Array);
}

function repeat(once: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(once.length * times);
  for (let i = 0; i < times; i++) out.set(once, i * once.length);
  return out;
}
