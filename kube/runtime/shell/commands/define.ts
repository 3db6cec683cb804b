import type { CommandContext } from "just-bash";
import { type CustomCommand, defineCommand, type ExecResult } from "just-bash";
import type { PodWorld } from "../world.ts";

/**
 * A command of the pod's world: a just-bash custom command that also gets the container's
 * world (its pod, clock, objects, mounts, and the log of any container).
 */
export interface PodCommand {
  name: string;
  run(args: string[], ctx: CommandContext, world: PodWorld): Promise<ExecResult>;
}

/** Declares a pod command; list it in commands/index.ts. */
export function definePodCommand(name: string, run: PodCommand["run"]): PodCommand {
  return { name, run };
}

/** The just-bash command for one world. */
export function bindCommand(command: PodCommand, world: PodWorld): CustomCommand {
  return defineCommand(command.name, (args, ctx) => command.run(args, ctx, world));
}

/** A result with this stdout. */
export function ok(stdout = ""): ExecResult {
  return { stdout, stderr: "", exitCode: 0 };
}

/** A failed result with this message on stderr. */
export function fail(stderr: string, exitCode = 1): ExecResult {
  return { stdout: "", stderr, exitCode };
}
