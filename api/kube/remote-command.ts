import { badRequest, unauthorized } from "../../kube/errors.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { pullImage } from "../../kube/runtime/images.ts";
import { writeBytes } from "../../kube/runtime/shell/console.ts";
import { containerArgv } from "../../kube/runtime/shell/program.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { statusesOf } from "../../pods/container-refs.ts";
import { execInContainer } from "../../pods/exec.ts";
import { readObject } from "../../registry/read.ts";
import type { KubeRequestContext } from "./context.ts";
import { pickContainer } from "./pod-log.ts";
import type { ResourcePath } from "./resource-path.ts";
import { whileContainerRuns } from "./session-end.ts";

/**
 * The remote-command protocol of `kubectl exec` and `kubectl attach` (channel.k8s.io, v4 and
 * v5 over WebSocket): the request is checked as the API server and kubelet check it, then the
 * command runs in the container's shell and its output goes out on channels 1 and 2, its end as
 * a Status on channel 3 (so kubectl exits with the command's code). With a TTY, the session is
 * an interactive shell: keystrokes are echoed and each line runs when Enter comes. Transport-
 * free: remote-websocket.ts carries the frames over a WebSocket (Node's listener, workerd's
 * fetch handler), server/remote-command-spdy.ts over SPDY (Node).
 */

/** The subprotocols spoken, best first. */
export const remoteCommandProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

/** Channel numbers. */
const stdinChannel = 0;
const stdoutChannel = 1;
const stderrChannel = 2;
const errorChannel = 3;
const resizeChannel = 4;
const closeChannel = 255;

/** The connection, as the session sees it. */
export interface RemoteIO {
  protocol: string;
  send(channel: number, data: Uint8Array): void;
  close(): void;
  /** Frames from the client: channel and payload. */
  onFrame(handler: (channel: number, data: Uint8Array) => void): void;
  onClose(handler: () => void): void;
}

/**
 * Tells the pod's kubelet that a container's process ended by itself (the Node entry point gives
 * workers/kubelet's containerExited, which records it as the kubelet's status and phase).
 */
export type ContainerExited = (
  sandboxId: string,
  pod: Pod,
  container: Container,
  exitCode: number,
) => Promise<void>;

/** A checked request, ready to run once the connection is up. */
export interface RemoteCommand {
  run(io: RemoteIO): Promise<void>;
}

const encoder = new TextEncoder();

/** A Status for channel 3: success, or the command's exit code (kubectl exits with it). */
function exitStatus(code: number): Uint8Array {
  if (code === 0) return encoder.encode(JSON.stringify({ metadata: {}, status: "Success" }));
  return encoder.encode(
    JSON.stringify({
      metadata: {},
      status: "Failure",
      message: `command terminated with non-zero exit code: exit status ${code}`,
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: String(code) }] },
    }),
  );
}

function failure(message: string): Uint8Array {
  return encoder.encode(JSON.stringify({ metadata: {}, status: "Failure", message }));
}

/** Checks an exec or attach request and returns the session to run. */
export async function prepareRemoteCommand(
  ctx: KubeRequestContext,
  url: URL,
  path: ResourcePath,
  containerExited: ContainerExited,
  nowMs = Date.now(),
): Promise<RemoteCommand> {
  const kind = path.subresource as "exec" | "attach";
  const pod = viewAs(
    podKind,
    await readObject(ctx.database, ctx.sandboxId, podKind, {
      namespace: path.namespace,
      name: path.name ?? "",
    }),
  );
  const q = url.searchParams;
  const flag = (n: string) => q.get(n) === "true" || q.get(n) === "1";
  const stdin = flag("stdin");
  const stdout = flag("stdout");
  const stderr = flag("stderr");
  const tty = flag("tty");
  const command = q.getAll("command");
  if (kind === "exec" && !command.length) throw badRequest("you must specify at least 1 command");
  if (!stdin && !stdout && !stderr)
    throw badRequest("you must specify at least one of stdin, stdout, stderr");
  const container = pickContainer(pod, q.get("container"), kind);
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed")
    throw badRequest(`cannot ${kind} into a container in a completed pod; current phase is ${phase}`);
  const status = statusesOf(pod).find((s) => s.name === container.name);
  if (!status?.state?.running)
    throw badRequest(`container ${container.name} is not valid for pod ${pod.metadata.name ?? ""}`);
  const pull = pullImage(container.image ?? "");
  const argv = kind === "exec" ? command : pull.ok ? containerArgv(container, pull.info) : ["sh"];
  // An attached shell that exits has ended its container when its stdin was once only (a real
  // runtime closes it after the first attach): the kubelet hears of it.
  const attachedExit =
    kind === "attach" && container.stdinOnce
      ? (code: number) => containerExited(ctx.sandboxId, pod, container, code)
      : null;
  return {
    run: (link) => {
      // One Status on the error channel, the first: client-go reads the channel to its end as
      // one JSON value (an attached shell's exit, then its container's stop, would make two).
      let ended = false;
      const io: RemoteIO = {
        ...link,
        send: (channel, data) => {
          if (channel === errorChannel) {
            if (ended) return;
            ended = true;
          }
          link.send(channel, data);
        },
      };
      // A stopped container kills its processes (kubectl: "command terminated with exit code
      // 137"); a revoked token or a deleted sandbox ends the session as an open watch ends, the
      // API server's Unauthorized on the error channel (kubectl: "error executing remote
      // command: Unauthorized"): at the notice where one is heard (Node), else within
      // `revocationPollMs` (workerd).
      const stop = whileContainerRuns(ctx, pod, container, (why) => {
        io.send(
          errorChannel,
          why === "stopped" ? exitStatus(137) : encoder.encode(JSON.stringify(unauthorized().toStatus())),
        );
        io.close();
      });
      io.onClose(stop);
      return tty
        ? interactive(ctx, pod, container, argv, io, attachedExit)
        : once(ctx, pod, container, argv, { stdin, stdout, stderr }, io, nowMs, attachedExit);
    },
  };
}

/** What an attached process's end does to its container (null: nothing; see prepareRemoteCommand). */
type AttachedExit = ((code: number) => Promise<void>) | null;

/** Waits for the client's stdin to end (v5's close signal, or the connection's end). */
function readStdin(io: RemoteIO): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    io.onFrame((channel, data) => {
      if (channel === stdinChannel) chunks.push(Buffer.from(data));
      else if (channel === closeChannel && data[0] === stdinChannel) finish();
    });
    io.onClose(finish);
  });
}

/** A command run once: stdin read to its end first, then the output, then the Status. */
async function once(
  ctx: KubeRequestContext,
  pod: Pod,
  container: Container,
  argv: string[],
  streams: { stdin: boolean; stdout: boolean; stderr: boolean },
  io: RemoteIO,
  nowMs: number,
  attachedExit: AttachedExit,
): Promise<void> {
  const input = streams.stdin ? await readStdin(io) : undefined;
  try {
    const outcome = await execInContainer(ctx.database, ctx.sandboxId, pod, container, argv, {
      nowMs,
      ...(input !== undefined ? { stdin: input } : {}),
    });
    for (const w of outcome.writes) {
      if (w.stream === "stdout" && streams.stdout) io.send(stdoutChannel, writeBytes(w));
      else if (w.stream === "stderr" && streams.stderr) io.send(stderrChannel, writeBytes(w));
      else if (w.stream === "stderr" && streams.stdout) io.send(stdoutChannel, writeBytes(w));
    }
    // Still running at the lookahead's end (a server, `sleep infinity`): kept open, as a real one
    // would be, until the client goes.
    if (outcome.exitCode === null) return;
    io.send(errorChannel, exitStatus(outcome.exitCode));
    // An attached shell whose stdin ended has exited.
    if (attachedExit && streams.stdin) await attachedExit(outcome.exitCode);
  } catch (err) {
    io.send(errorChannel, failure((err as Error).message));
  }
  io.close();
}

/** The prompt a shell shows: bash's on images whose shell is bash, sh's otherwise. */
function promptOf(argv: string[], hostname: string, cwd: string): string {
  const shell = (argv[0] ?? "").split("/").pop();
  return shell === "bash"
    ? `[root@${hostname} ${cwd === "/" ? "/" : (cwd.split("/").pop() ?? "/")}]# `
    : `${cwd} # `;
}

/**
 * An interactive shell over a TTY: echoes keystrokes, runs each line when Enter comes (its
 * variables and directory kept for the next), ends on `exit` or Ctrl-D on an empty line.
 */
async function interactive(
  ctx: KubeRequestContext,
  pod: Pod,
  container: Container,
  argv: string[],
  io: RemoteIO,
  attachedExit: AttachedExit,
): Promise<void> {
  const shells = new Set(["sh", "bash", "ash", "dash", "zsh"]);
  const hostname = pod.spec?.hostname || pod.metadata.name || "localhost";
  const isShell = shells.has((argv[0] ?? "").split("/").pop() ?? "") && !argv.includes("-c");
  if (!isShell) {
    // A command with a TTY: run it once, its output with CR LF line ends.
    const outcome = await execInContainer(ctx.database, ctx.sandboxId, pod, container, argv, {
      nowMs: Date.now(),
    });
    for (const w of outcome.writes) io.send(stdoutChannel, encoder.encode(w.text.replace(/\r?\n/g, "\r\n")));
    if (outcome.exitCode !== null) {
      io.send(errorChannel, exitStatus(outcome.exitCode));
      io.close();
    }
    return;
  }
  let env: Record<string, string> | undefined;
  let cwd = container.workingDir || "/";
  let line = "";
  let busy: Promise<void> = Promise.resolve();
  let ended = false;
  const out = (text: string) => io.send(stdoutChannel, encoder.encode(text));
  const end = async (code: number) => {
    if (ended) return;
    ended = true;
    io.send(errorChannel, exitStatus(code));
    // The attached shell exited.
    if (attachedExit) await attachedExit(code).catch(() => {});
    io.close();
  };
  out(promptOf(argv, hostname, cwd));
  const runLine = async (text: string) => {
    const trimmed = text.trim();
    const exit = /^exit(?:\s+(\d+))?$/.exec(trimmed);
    if (exit) {
      out("exit\r\n");
      return end(Number(exit[1] ?? 0) & 255);
    }
    if (trimmed) {
      const outcome = await execInContainer(ctx.database, ctx.sandboxId, pod, container, ["sh", "-c", text], {
        nowMs: Date.now(),
        ...(env ? { env } : {}),
        cwd,
      });
      for (const w of outcome.writes) out(w.text.replace(/\r?\n/g, "\r\n"));
      env = outcome.env;
      cwd = outcome.env.PWD || cwd;
    }
    out(promptOf(argv, hostname, cwd));
  };
  io.onFrame((channel, data) => {
    if (channel !== stdinChannel || ended) return;
    for (const byte of data) {
      if (byte === 0x0d || byte === 0x0a) {
        const text = line;
        line = "";
        out("\r\n");
        busy = busy.then(() => runLine(text));
      } else if (byte === 0x04) {
        if (!line) busy = busy.then(() => runLine("exit"));
      } else if (byte === 0x03) {
        line = "";
        out("^C\r\n");
        busy = busy.then(() => out(promptOf(argv, hostname, cwd)));
      } else if (byte === 0x7f || byte === 0x08) {
        if (line) {
          line = line.slice(0, -1);
          out("\b \b");
        }
      } else if (byte >= 0x20 || byte === 0x09) {
        line += String.fromCharCode(byte);
        out(String.fromCharCode(byte));
      }
    }
  });
  io.onClose(() => {
    ended = true;
  });
  void resizeChannel;
}
