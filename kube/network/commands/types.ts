import type { PodNetwork } from "../context.ts";

/** What a command prints and its exit status: just-bash's ExecResult shape. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The shell's side of a command: its stdin and working directory, and the container's files. */
export interface CommandIO {
  stdin: string;
  cwd: string;
  /** Whose tools the image has: BusyBox's (busybox, alpine) or the usual distribution's. */
  flavor?: "busybox" | "gnu";
  /** Whether stdout is a terminal (exec -t): curl then shows no progress meter. */
  tty?: boolean;
  /** Writes a file (curl -o, wget's saved page); absent: writes fail as on a read-only filesystem. */
  writeFile?(path: string, data: string): Promise<void>;
  readFile?(path: string): Promise<string | null>;
}

/** A network command: arguments (without the program's name), the shell's side, the network. */
export type NetworkCommand = (args: string[], io: CommandIO, net: PodNetwork) => Promise<CommandResult>;

/** A path as the shell would open it from its working directory. */
export function pathFrom(cwd: string, path: string): string {
  if (path.startsWith("/")) return path;
  return `${cwd.replace(/\/$/, "")}/${path}`;
}
