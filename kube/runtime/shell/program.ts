import type { Container } from "../../types/core-v1.ts";
import { type ImageInfo, pullImage } from "../images.ts";
import { quote } from "./commands/programs.ts";

/**
 * The script a container's main process amounts to: the runtime's command line (the pod's
 * command, else the image's entrypoint, then the pod's args, else the image's cmd), as the
 * shell that runs it reads it. `sh -c SCRIPT` is SCRIPT; a bare shell reads its stdin, which
 * is open only with `stdin: true` (then it waits), else empty (it ends at once).
 */

/** The argv the container's process starts with. */
export function containerArgv(container: Container, info: ImageInfo): string[] {
  const command = container.command ?? [];
  const args = container.args ?? [];
  if (command.length) return [...command, ...args];
  return [...info.entrypoint, ...(args.length ? args : info.cmd)];
}

const shells = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The script for an argv (as `kubectl exec` and the container's start run it). */
export function argvScript(argv: string[], stdinOpen: boolean): string {
  const [first, ...rest] = argv;
  if (first === undefined) return "";
  if (shells.has(basename(first))) {
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] as string;
      if (a === "--") break;
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) {
        const script = rest[i + 1];
        return script === undefined ? `${basename(first)} -c` : script;
      }
      if (a.startsWith("-") || a.startsWith("+")) continue;
      return quote(argv); // a script file
    }
    return stdinOpen ? "sleep infinity" : "exit 0";
  }
  return quote(argv);
}

/**
 * Whether the container's main process shrugs off SIGTERM: a shell or a bare `sleep` as PID 1
 * has no handler for it, so stopping it ends in SIGKILL (exit 137); servers exit 0.
 */
export function ignoresSigterm(container: Container, info: ImageInfo): boolean {
  const first = containerArgv(container, info).find((a) => !/^(tini|dumb-init|--|-g)$/.test(a)) ?? "";
  return ["sh", "bash", "ash", "dash", "zsh", "sleep", "tail"].includes(basename(first));
}

/** The exit code of a container stopped by the kubelet, running `image`: 137 when SIGKILL ends it, else 0. */
export function exitCodeWhenStopped(container: Container, image = container.image ?? ""): number {
  const pull = pullImage(image);
  return pull.ok && ignoresSigterm(container, pull.info) ? 137 : 0;
}

/** Programs that write files when they are the container's command itself. */
const writers = new Set(["touch", "mkdir", "cp", "mv", "tee", "ln", "dd", "install", "tar", "wget", "curl"]);

/** Programs that never write a file, whatever their arguments. */
const nonWriters = new Set([
  "sleep",
  "pause",
  "true",
  "false",
  "echo",
  "printf",
  "cat",
  "env",
  "printenv",
  "yes",
]);

/**
 * Whether the container's main process may write files: a shell (its redirections, the tools it
 * runs), a program that writes, or a program the image does not ship as its own (a script from
 * a volume or the image, which runs as a shell would). The image's own program (its servers)
 * and the programs that never write write none, so what they serve or show is the image's
 * files and their volumes', without evaluating them (pods/main-files.ts).
 */
export function mayWriteFiles(container: Container, info: ImageInfo): boolean {
  const first = basename(
    containerArgv(container, info).find((a) => !/^(tini|dumb-init|--|-g)$/.test(a)) ?? "",
  );
  if (shells.has(first) || writers.has(first)) return true;
  const imageOwn = [...info.entrypoint, ...info.cmd].map(basename);
  return !(nonWriters.has(first) || imageOwn.includes(first));
}
