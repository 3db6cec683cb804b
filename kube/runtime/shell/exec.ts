import { type ConsoleWrite, writeBytes } from "./console.ts";
import { type ContainerSetup, mainProcess } from "./container.ts";
import { type EvaluationLimits, evaluate } from "./evaluate.ts";
import { argvScript, containerArgv } from "./program.ts";
import type { LogAppend } from "./world.ts";

/**
 * A command run in a running container (`kubectl exec`, an exec probe): a process beside the
 * main one, in the same filesystem and environment, from `nowMs`. It runs on the virtual
 * clock up to `lookaheadMs` ahead; one still running then (a server, `sleep infinity`) is
 * reported as still running.
 */

/** How long an exec may run on the virtual clock: ten minutes. */
export const execLookaheadMs = 600_000;

/** What the command did. */
export interface ExecOutcome {
  /** Its output, in order. */
  writes: ConsoleWrite[];
  /** Its exit code, or null when it was still running at the lookahead's end. */
  exitCode: number | null;
  /** When it ended (or the lookahead's end), in ms. */
  endMs: number;
  /** Lines it wrote to containers' logs (a server it reached logging the request). */
  appends: LogAppend[];
  /** The shell's variables at its end (PWD its directory), for an interactive shell's next line. */
  env: Record<string, string>;
}

/**
 * GNU tar strips the leading "/" of member names when it creates an archive (and says so on
 * stderr); just-bash's tar keeps it, and `kubectl cp pod:/path` refuses such an archive
 * ("tar contents corrupted"). The archive of an exec'd `tar c…` gets its names rewritten so.
 */
function createsTar(argv: string[]): boolean {
  return (argv[0] ?? "").split("/").pop() === "tar" && /^-?[a-zA-Z]*c/.test(argv[1] ?? "");
}

/** The archive with "/" stripped from the front of its member names (ustar headers, checksums redone). */
export function stripTarSlashes(archive: Uint8Array): Uint8Array {
  const out = Buffer.from(archive);
  for (let at = 0; at + 512 <= out.length; ) {
    const header = out.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const prefixed = header.subarray(345, 500);
    const field = prefixed[0] ? prefixed : header.subarray(0, 100);
    let n = 0;
    while (field[n] === 0x2f) n++;
    if (n) {
      field.copyWithin(0, n);
      field.fill(0, field.length - n);
      header.fill(0x20, 148, 156);
      const sum = header.reduce((a, b) => a + b, 0);
      header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    }
    const size = Number.parseInt(
      header.subarray(124, 136).toString("latin1").replace(/\0.*$/, "").trim() || "0",
      8,
    );
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Runs argv in the container, from `nowMs`, with `stdin` as its input. */
export async function runInContainer(
  setup: ContainerSetup,
  argv: string[],
  options: {
    nowMs: number;
    startedMs?: number;
    stdin?: string;
    limits?: Partial<EvaluationLimits>;
    /** The variables and directory to start in (an interactive shell's previous line left them). */
    env?: Record<string, string>;
    cwd?: string;
  },
): Promise<ExecOutcome> {
  const main = mainProcess(setup, options.startedMs ?? options.nowMs, options.nowMs + execLookaheadMs);
  const mainArgv = containerArgv(setup.container, setup.info);
  const command = argv;
  const bare = argvScript(command, false) === "exit 0";
  const r = await evaluate({
    ...main,
    world: {
      ...main.world,
      processes: [
        { pid: 1, argv: mainArgv, startedMs: options.startedMs ?? options.nowMs },
        { pid: 7, argv, startedMs: options.nowMs },
      ],
    },
    // A bare shell reads its script from stdin (`kubectl exec -i pod -- sh < script`).
    ...(bare && options.stdin !== undefined
      ? { script: options.stdin }
      : {
          script: argvScript(argv, false),
          ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        }),
    startMs: options.nowMs,
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  // An exec's output is its own, whether or not a loop in it was seen to repeat.
  let writes = [...r.writes];
  if (createsTar(argv) && r.end?.exitCode === 0) {
    const archive = Buffer.concat(writes.filter((w) => w.stream === "stdout").map((w) => writeBytes(w)));
    const fixed = Buffer.from(stripTarSlashes(archive)).toString("latin1");
    writes = [
      ...writes.filter((w) => w.stream !== "stdout"),
      { atMs: r.reachedMs, stream: "stdout", text: fixed, binary: true },
    ];
  }
  if (r.period)
    writes.push(
      ...r.period.writes.map((w) => ({ stream: w.stream, text: w.text, atMs: r.period?.fromMs ?? 0 })),
    );
  return {
    writes,
    exitCode: r.end ? r.end.exitCode : null,
    endMs: r.reachedMs,
    appends: r.appends,
    env: r.env ?? {},
  };
}
