import { Bash, type IFileSystem } from "just-bash";
import { addedShellCommands } from "./added-commands.ts";
import { VirtualClock } from "./clock.ts";
import { bindCommand, type PodCommand } from "./commands/define.ts";
import { podCommands } from "./commands/index.ts";
import { ConsoleFs, type ConsoleWrite, consoleMount } from "./console.ts";
import { consoleRouting } from "./console-routing.ts";
import { redirectionFailure, shellDialect } from "./dialect.ts";
import { diskFullWriteError } from "./disk-space.ts";
import { notingChanges } from "./file-ops.ts";
import { containerFs, type Mount, ReadOnlyFs } from "./filesystem.ts";
import { type Period, PeriodDetector } from "./period.ts";
import { readOnlyRedirections } from "./read-only-redirections.ts";
import { isRefusedWrite } from "./refused-writes.ts";
import type { LogAppend, PodWorld } from "./world.ts";

/**
 * Runs a container's main process on the virtual clock, from its start up to a horizon: what
 * it wrote and when, whether and how it ended, and — for a loop that repeats — the repeating
 * turn, so that what it does up to any later time is known without running it again.
 *
 * Every evaluation is bounded: a hard limit on commands, output, call depth and wall time per
 * evaluation ends the container as the kernel would end a runaway process (SIGKILL, 137;
 * OOMKilled past the output limit), and a soft budget of sleeps stops a long, non-repeating
 * program where it got to (it is still running there; a later evaluation starts over).
 */

/** What the process did, up to `reachedMs`. */
export interface Evaluation {
  /** Console writes before the repeating turn (all of them, when there is none). */
  writes: ConsoleWrite[];
  /** Lines written to other containers' logs, before the repeating turn. */
  appends: LogAppend[];
  /** The repeating turn, from `period.fromMs` for ever (its file changes left out where kept). */
  period: (Omit<Period, "fromWrite" | "fromAppend" | "fileOps"> & Partial<Pick<Period, "fileOps">>) | null;
  /** How the process ended, if it did by `reachedMs`. */
  end: ContainerEnd | null;
  /** What happened is known up to this time (the horizon, the end, or where the budget ran out). */
  reachedMs: number;
  /** The budget ran out before the horizon: a later evaluation must start over. */
  budgetSpent: boolean;
  /** Which budget: its sleeps (where every evaluation stops) or its wall time (where a busy machine does). */
  budgetOf?: "sleeps" | "time";
  /** The process sleeps for ever from `reachedMs` (a server, `sleep infinity`): nothing more will happen. */
  idle?: boolean;
  /** The shell's variables when it stopped (an interactive shell carries them to its next line). */
  env?: Record<string, string>;
}

/** How a container's main process ended. */
export interface ContainerEnd {
  exitCode: number;
  atMs: number;
  reason: "Completed" | "Error" | "OOMKilled";
}

/** The bounds of one evaluation. */
export interface EvaluationLimits {
  /** Commands in all (a loop without a sleep reaches it). */
  maxCommands: number;
  /** Console bytes in all. */
  maxOutputBytes: number;
  maxCallDepth: number;
  /** Wall time, in ms, for everything. */
  maxWallMs: number;
  /** Sleeps before a non-repeating program is left where it got to. */
  maxSleeps: number;
}

/** The defaults: about a second of CPU at most, for any input. */
export const defaultLimits: EvaluationLimits = {
  maxCommands: 20_000,
  maxOutputBytes: 4 * 1024 * 1024,
  maxCallDepth: 64,
  maxWallMs: 1000,
  maxSleeps: 5_000,
};

/** Everything an evaluation needs besides the clock. */
export interface EvaluationInput {
  /** The world minus what the evaluation makes itself: its clock, its log and its output. */
  world: Omit<PodWorld, "clock" | "log" | "print">;
  script: string;
  startMs: number;
  horizonMs: number;
  /** The container's root (image and layer) and its mounts. */
  root: IFileSystem;
  mounts: Mount[];
  env: Record<string, string>;
  cwd: string;
  /** More commands (or replacements) for this evaluation. */
  commands?: PodCommand[];
  limits?: Partial<EvaluationLimits>;
  /** Data for stdin (exec -i): the process reads it, then end of file. */
  stdin?: string;
  /**
   * What the process wrote to files up to this time is kept already (in its root and mounts):
   * its changes up to then are dropped, so an evaluation from the start adds only what came
   * after (pods/main-files.ts).
   */
  keptUntilMs?: number;
}

const limitMessage = /too many commands executed|limit exceeded|maximum recursion depth|exceeded maximum/;

/** Runs the process from its start to the horizon (or its end, or the budget's). */
export async function evaluate(input: EvaluationInput): Promise<Evaluation> {
  const limits = { ...defaultLimits, ...input.limits };
  const clock = new VirtualClock(input.startMs, input.horizonMs);
  let overflow = false;
  const consoleFs = new ConsoleFs(clock, limits.maxOutputBytes, () => {
    overflow = true;
    clock.stopHere();
  });
  const appends: LogAppend[] = [];
  const world: PodWorld = {
    ...input.world,
    clock,
    log: (target, text, stream = "stdout") => {
      if (!clock.suspended) appends.push({ target, atMs: clock.nowMs, stream, text });
    },
    print: (stream, text) => {
      void consoleFs.appendFile(`/${stream === "stdout" ? 1 : 2}`, text);
    },
  };
  const fs = notingChanges(
    containerFs(input.root, [...input.mounts, { path: consoleMount, fs: consoleFs }]),
    {
      now: () => clock.nowMs,
      keptUntilMs: input.keptUntilMs ?? Number.NEGATIVE_INFINITY,
      // The console (under /proc), /proc and /dev are in no layer.
      passThrough: (path) => /^\/(?:proc|dev)(?:\/|$)/.test(path),
    },
  );
  const detector = new PeriodDetector(consoleFs.writes, appends, fs.ops);
  const wallStart = performance.now();
  let sleeps = 0;
  let budgetSpent = false;
  let budgetOf: "sleeps" | "time" | undefined;
  let period: Period | null = null;
  const byName = new Map<string, PodCommand>();
  for (const c of [...podCommands, ...(input.commands ?? [])]) byName.set(c.name, c);
  const sleep = byName.get("sleep");
  if (sleep)
    byName.set("sleep", {
      name: "sleep",
      run: async (args, ctx, w) => {
        if (clock.suspended) return { stdout: "", stderr: "", exitCode: 0 };
        const found = detector.observe(ctx.env, ctx.cwd, args, clock.nowMs, clock.readTime);
        clock.readTime = false;
        if (found) {
          period = found;
          clock.stopHere();
          return { stdout: "", stderr: "", exitCode: 0 };
        }
        const outOf =
          ++sleeps > limits.maxSleeps
            ? "sleeps"
            : performance.now() - wallStart > limits.maxWallMs / 2
              ? "time"
              : null;
        if (outOf) {
          budgetSpent = true;
          budgetOf = outOf;
          clock.stopHere();
          return { stdout: "", stderr: "", exitCode: 0 };
        }
        return sleep.run(args, ctx, w);
      },
    });
  const processes = input.world.processes;
  const shell = shellDialect(input.world.container.image ?? "", processes[processes.length - 1]?.argv ?? []);
  const redirections = readOnlyRedirections(
    input.mounts.map((m) => ({ path: m.path, readOnly: m.fs instanceof ReadOnlyFs })),
    shell,
  );
  const bash = new Bash({
    fs: fs.fs,
    cwd: input.cwd,
    env: input.env,
    customCommands: [
      ...addedShellCommands(),
      ...[...byName.values()].map((c) => bindCommand(c, world)),
      redirections.command,
    ],
    executionLimits: {
      maxCommandCount: limits.maxCommands,
      maxCallDepth: limits.maxCallDepth,
      maxExecutionTimeMs: limits.maxWallMs,
      maxOutputSize: limits.maxOutputBytes,
      maxSourceBytes: 256 * 1024,
      maxStringLength: limits.maxOutputBytes,
      maxFileSystemBytes: 64 * 1024 * 1024,
    },
  });
  bash.registerTransformPlugin(consoleRouting());
  bash.registerTransformPlugin(redirections.plugin);
  // From here on the process's own changes (not the stubs just-bash writes as it starts).
  fs.arm();
  const result = await bash
    .exec(input.script, {
      signal: clock.signal,
      ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
    })
    .catch((e: unknown) => {
      // just-bash lets a redirection's refused write escape the script (one the transform
      // above could not see coming): the writing command fails, and with it (here) the
      // process, as a shell under `set -e` would. A full disk fails the write, a read-only
      // mount the open.
      if (!isRefusedWrite(e)) throw e;
      const failure =
        e.code === "ENOSPC"
          ? { message: diskFullWriteError, status: 1 }
          : redirectionFailure(shell, e.path, e.message, 1);
      world.print("stderr", failure.message);
      // Its variables are lost with it: an interactive shell's next line starts where this one did.
      return { exitCode: failure.status, stdout: "", stderr: "", env: { ...input.env, PWD: input.cwd } };
    });
  const found = period as Period | null;
  const writes = found ? consoleFs.writes.slice(0, found.fromWrite) : consoleFs.writes;
  const before = found ? appends.slice(0, found.fromAppend) : appends;
  const lastWrite = consoleFs.writes[consoleFs.writes.length - 1]?.text ?? "";
  // A limit, or the wall-clock deadline (which just-bash reports as an abort, 124), ends the process.
  const limited =
    (result.exitCode === 126 && (limitMessage.test(result.stderr) || limitMessage.test(lastWrite))) ||
    (result.exitCode === 124 && !clock.suspended && performance.now() - wallStart >= limits.maxWallMs);
  let end: ContainerEnd | null = null;
  if (overflow) end = { exitCode: 137, atMs: clock.nowMs, reason: "OOMKilled" };
  else if (limited)
    // Past a memory-like limit (a string, live bytes) the kernel's OOM killer would have ended it.
    end = {
      exitCode: 137,
      atMs: clock.nowMs,
      reason: /string length|live byte|size limit/.test(result.stderr + lastWrite) ? "OOMKilled" : "Error",
    };
  else if (!clock.suspended)
    end = {
      exitCode: result.exitCode & 255,
      atMs: clock.nowMs,
      reason: result.exitCode === 0 ? "Completed" : "Error",
    };
  const reachedMs = found || !(budgetSpent || end) ? input.horizonMs : clock.nowMs;
  return {
    writes,
    appends: before,
    period: found
      ? {
          fromMs: found.fromMs,
          periodMs: found.periodMs,
          writes: found.writes,
          appends: found.appends,
          fileOps: found.fileOps,
        }
      : null,
    end,
    reachedMs: end ? end.atMs : reachedMs,
    budgetSpent,
    ...(budgetOf ? { budgetOf } : {}),
    ...(clock.forever && !found && !end && !budgetSpent ? { idle: true } : {}),
    env: { ...result.env },
  };
}
