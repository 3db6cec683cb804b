import type { Container } from "../types/core-v1.ts";
import type { ImageInfo } from "./images.ts";
import { runProgram } from "./programs.ts";

/**
 * What one container does once started, from its spec and its image: keeps running, or exits
 * with a code after some milliseconds. The command line is the runtime's: the pod's command
 * (else the image's entrypoint) followed by the pod's args (else, without a command, the
 * image's cmd).
 */
export type Plan = { kind: "forever" } | { kind: "exit"; code: number; afterMs: number };

/** The argv the container's process starts with. */
export function containerArgv(container: Container, info: ImageInfo): string[] {
  const command = container.command ?? [];
  const args = container.args ?? [];
  if (command.length) return [...command, ...args];
  return [...info.entrypoint, ...(args.length ? args : info.cmd)];
}

/** An image's entrypoint that refuses to start without one of the variables it needs (postgres, mysql). */
function missingEnv(container: Container, info: ImageInfo): boolean {
  if (!info.requiresEnv || container.command?.length || container.envFrom?.length) return false;
  const names = new Set((container.env ?? []).map((e) => e.name));
  return !info.requiresEnv.some((n) => names.has(n));
}

/** What the container does once started. */
export function containerPlan(container: Container, info: ImageInfo): Plan {
  if (missingEnv(container, info)) return { kind: "exit", code: 1, afterMs: 0 };
  const outcome = runProgram(containerArgv(container, info), { stdin: container.stdin === true });
  return outcome.kind === "forever"
    ? outcome
    : { kind: "exit", code: outcome.status & 255, afterMs: outcome.ms };
}

/**
 * Whether the container's main process shrugs off SIGTERM: a shell or a bare `sleep` as PID 1
 * has no handler for it, so stopping it ends in SIGKILL (exit 137); servers exit 0.
 */
export function ignoresSigterm(container: Container, info: ImageInfo): boolean {
  const first = containerArgv(container, info).find((a) => !/^(tini|dumb-init|--|-g)$/.test(a)) ?? "";
  const name = first.slice(first.lastIndexOf("/") + 1);
  return ["sh", "bash", "ash", "dash", "zsh", "sleep", "tail"].includes(name);
}
