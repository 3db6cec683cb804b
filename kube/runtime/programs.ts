import { done, forever, type Outcome, type ProcessContext, parseSeconds } from "./outcome.ts";
import { runScript } from "./shell-eval.ts";

/**
 * What the programs containers commonly run do, from their arguments: shells run their -c
 * script, `sleep N` takes N seconds, one-shot tools finish at once, REPLs and bare shells end
 * at once unless stdin is open, servers and anything unknown keep running.
 */

const shells = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);
const wrappers = new Set([
  "docker-entrypoint.sh",
  "entrypoint.sh",
  "docker-php-entrypoint",
  "tini",
  "dumb-init",
  "nohup",
  "exec",
  "__cacert_entrypoint.sh",
]);
const repls = new Set([
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
]);
/** Tools that do their job and exit 0 straight away (network and file errors are not simulated). */
const instant = new Set(
  (
    "echo printf date hostname uname whoami id pwd ls env printenv mkdir touch rm rmdir cp mv ln chmod " +
    "chown df du free ps nslookup dig host wget base64 md5sum sha256sum sha1sum wc grep egrep sed awk sort uniq " +
    "tr cut find stat basename dirname readlink realpath which whereis tar gzip gunzip zcat kill test [ sync " +
    "seq expr hello /hello mount umount ip ifconfig netstat ss arp route nproc lscpu uptime getent apk apt " +
    "apt-get yum dnf pip pip3 npm true : export set unset cd local shift trap umask ulimit alias"
  ).split(" "),
);

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function sleep(args: string[]): Outcome {
  if (args.some((a) => a === "infinity" || a === "inf")) return forever;
  let seconds = 0;
  for (const a of args) {
    const s = parseSeconds(a);
    if (s === null) return done(1);
    seconds += s;
  }
  return args.length ? done(0, Math.round(seconds * 1000)) : done(1);
}

/** A shell invocation: its -c script, a script file (unknown), or an interactive shell. */
function shell(args: string[], ctx: ProcessContext): Outcome {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") break;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) {
      const script = args.slice(i + 1).find((x) => !x.startsWith("-"));
      return script === undefined ? done(2) : runScript(script, ctx, runProgram);
    }
    if (a.startsWith("-") || a.startsWith("+")) continue;
    return forever; // a script file we cannot read
  }
  return ctx.stdin ? forever : done(0);
}

/** Code given inline to an interpreter (`python -c`, `node -e`): a few telling constructs. */
function inlineCode(code: string): Outcome {
  if (
    /while\s*\(?\s*(True|true|1)\b|setInterval|serve_forever|\.listen\(|http\.server|for\s*\(\s*;\s*;/.test(
      code,
    )
  )
    return forever;
  const exit = /(?:sys\.exit|process\.exit|exit)\(\s*(\d+)\s*\)/.exec(code);
  const sleeps = [...code.matchAll(/sleep\(\s*(\d+(?:\.\d+)?)\s*\)/g)].reduce((s, m) => s + Number(m[1]), 0);
  return done(exit ? Number(exit[1]) : 0, Math.round(sleeps * 1000));
}

function interpreter(args: string[], ctx: ProcessContext): Outcome {
  const flag = args.findIndex((a) => a === "-c" || a === "-e" || a === "--eval" || a === "-r");
  if (flag !== -1) return inlineCode(args[flag + 1] ?? "");
  if (args.some((a) => !a.startsWith("-"))) return forever; // a script or module: a server, say
  return ctx.stdin ? forever : done(0);
}

function timeout(args: string[], ctx: ProcessContext): Outcome {
  const rest = args.filter((a) => !a.startsWith("-"));
  const limit = parseSeconds(rest[0] ?? "");
  if (limit === null) return done(125);
  const inner = runProgram(rest.slice(1), ctx);
  const ms = Math.round(limit * 1000);
  if (inner.kind === "forever" || inner.ms > ms) return done(124, ms);
  return inner;
}

/** What running `argv` does (argv[0] is the program, by path or name). */
export function runProgram(argv: string[], ctx: ProcessContext): Outcome {
  if (!argv.length) return forever;
  const prog = basename(argv[0] as string);
  const args = argv.slice(1);
  if (prog === "busybox" && args.length) return runProgram(args, ctx);
  if (shells.has(prog)) return shell(args, ctx);
  if (wrappers.has(prog)) {
    const rest = args.filter(
      (a, i) => !(a.startsWith("-") && args.slice(0, i).every((b) => b.startsWith("-"))),
    );
    return rest.length ? runProgram(rest, ctx) : forever;
  }
  if (repls.has(prog) || /^python3\.\d+$/.test(prog) || /^perl5/.test(prog)) return interpreter(args, ctx);
  switch (prog) {
    case "sleep":
      return sleep(args);
    case "false":
      return done(1);
    case "exit":
      return { kind: "done", status: Number(args[0] ?? 0) & 255, ms: 0, exited: true };
    case "timeout":
      return timeout(args, ctx);
    case "cat":
    case "tee":
    case "read":
      return args.some((a) => !a.startsWith("-")) || !ctx.stdin ? done(0) : forever;
    case "tail":
      return args.some((a) => a === "-f" || a === "-F" || a === "--follow") ? forever : done(0);
    case "ping": {
      const count = args.indexOf("-c");
      return count === -1 ? forever : done(0, Math.max(0, Number(args[count + 1] ?? 1) - 1) * 1000);
    }
    case "curl":
      return args.some((a) => !a.startsWith("-")) ? done(0) : done(2);
    case "nginx":
    case "httpd":
      return args.some((a) => a === "-v" || a === "-V" || a === "-t") ? done(0) : forever;
  }
  return instant.has(prog) ? done(0) : forever;
}
