import { parseSeconds } from "../clock.ts";
import { stdinText } from "../stdin-text.ts";
import { definePodCommand, fail, ok, type PodCommand } from "./define.ts";

/**
 * Other programs whose effect is over time: interpreters (a REPL waits on stdin, `-c` code is
 * read for sleeps, exits and serve loops), `tail -f`, `timeout` on the virtual clock, and
 * hello-world's greeting.
 */

/** Code given inline to an interpreter (`python -c`, `node -e`): a few telling constructs. */
function inlineCode(code: string): { forever: boolean; exit: number; sleepMs: number } {
  const forever =
    /while\s*\(?\s*(True|true|1)\b|setInterval|serve_forever|\.listen\(|http\.server|for\s*\(\s*;\s*;/.test(
      code,
    );
  const exit = /(?:sys\.exit|process\.exit|exit)\(\s*(\d+)\s*\)/.exec(code);
  const sleeps = [...code.matchAll(/sleep\(\s*(\d+(?:\.\d+)?)\s*\)/g)].reduce((s, m) => s + Number(m[1]), 0);
  return { forever, exit: exit ? Number(exit[1]) : 0, sleepMs: Math.round(sleeps * 1000) };
}

const interpreter = (name: string): PodCommand =>
  definePodCommand(name, async (args, _ctx, world) => {
    const flag = args.findIndex((a) => a === "-c" || a === "-e" || a === "--eval" || a === "-r");
    if (flag !== -1) {
      const code = inlineCode(args[flag + 1] ?? "");
      if (code.forever) world.clock.sleepForever();
      else world.clock.sleep(code.sleepMs);
      return { stdout: "", stderr: "", exitCode: code.exit };
    }
    // A script or module is a server, say; a bare REPL waits on an open stdin.
    if (args.some((a) => !a.startsWith("-")) || world.container.stdin) world.clock.sleepForever();
    return ok();
  });

const interpreters = [
  "python",
  "python3",
  "python2",
  "pypy3",
  "node",
  "nodejs",
  "ruby",
  "irb",
  "perl",
  "php",
  "jshell",
  "erl",
  "iex",
  "julia",
  "ghci",
  "groovysh",
  "R",
  "lua",
].map(interpreter);

/** `tail -f` never ends; other tails print the end of a file. */
export const tail = definePodCommand("tail", async (args, ctx, world) => {
  const follow = args.some((a) => a === "-f" || a === "-F" || a === "--follow" || a.startsWith("--follow="));
  const files = args.filter((a, i) => !a.startsWith("-") && !/^-[nc]$/.test(args[i - 1] ?? ""));
  const n = Number(args[args.indexOf("-n") + 1] ?? 10);
  const count = args.includes("-n") && Number.isFinite(n) ? n : 10;
  let out = "";
  const input = files.length ? null : stdinText(ctx.stdin);
  for (const f of files) {
    const path = ctx.fs.resolvePath(ctx.cwd, f);
    if (!(await ctx.fs.exists(path)))
      return fail(`tail: cannot open '${f}' for reading: No such file or directory\n`);
    const text = await ctx.fs.readFile(path);
    out += lastLines(text, count);
  }
  if (input !== null) out += lastLines(input, count);
  if (follow) world.clock.sleepForever();
  return ok(out);
});

function lastLines(text: string, n: number): string {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.length ? `${lines.slice(-n).join("\n")}\n` : "";
}

/** `timeout D cmd…` on the virtual clock: a command still running after D ends with 124. */
export const timeout = definePodCommand("timeout", async (args, ctx, world) => {
  const rest = args.filter(
    (a, i) => !(a.startsWith("-") && args.slice(0, i).every((b) => b.startsWith("-"))),
  );
  const limit = parseSeconds(rest[0] ?? "");
  if (limit === null) return fail(`timeout: invalid time interval '${rest[0] ?? ""}'\n`, 125);
  if (rest.length < 2) return fail("timeout: missing operand\n", 125);
  const start = world.clock.nowMs;
  const deadline = start + Math.round(limit * 1000);
  if (deadline > world.clock.horizonMs) {
    // The deadline lies beyond what may be evaluated now: run the command up to the horizon.
    const r = await ctx.exec?.(quote(rest.slice(1)), { cwd: ctx.cwd });
    return r ?? ok();
  }
  const inner = world.clock.deadline(deadline);
  const r = await ctx.exec?.(quote(rest.slice(1)), { cwd: ctx.cwd, signal: inner.signal });
  inner.release();
  // The interpreter's notice that the deadline stopped the command is not the command's output.
  const stderr = (r?.stderr ?? "").replace(/^(bash: )?execution aborted\n/m, "");
  if (inner.reached()) return { stdout: r?.stdout ?? "", stderr, exitCode: 124 };
  return r ?? ok();
});

/** Quotes argv for the shell. */
export function quote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

export const hello = definePodCommand("hello", async () =>
  ok(`
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/

`),
);

/** The programs above. */
export const programs: PodCommand[] = [...interpreters, tail, timeout, hello];
