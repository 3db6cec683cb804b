import { done, forever, type Outcome, type ProcessContext, type ProgramRunner } from "./outcome.ts";
import { parseScript, type ShellNode, ShellSyntaxError } from "./shell-parse.ts";

/**
 * What a shell script does over time, by walking its parse: sleeps add up, `exit` ends it, a
 * loop that is entered once runs for ever (conditions do not change in a simulation), `set -e`
 * stops at the first failure, background jobs only matter to a `wait` after them. A script sh
 * cannot parse exits 2 at once, as sh does.
 */

type Done = { kind: "done"; status: number; ms: number; exited?: boolean; broke?: boolean };
type Result = { kind: "forever" } | Done;

interface Shell {
  ctx: ProcessContext;
  /** Runs the script's commands (programs.ts, which runs this for `sh -c`). */
  runProgram: ProgramRunner;
  status: number;
  errexit: boolean;
}

function later(r: Result, ms: number): Result {
  return r.kind === "forever" ? r : { ...r, ms: r.ms + ms };
}

function isDone(r: Result): r is Done {
  return r.kind === "done";
}

/** How many times a `for` list runs its body: words, `$(seq …)` and `{a..b}` expanded by count. */
function itemCount(items: string[]): number {
  let n = 0;
  for (const item of items) {
    const seq = /^(?:\$\(|`)seq\s+(-?\d+)(?:\s+(-?\d+))?(?:\s+(-?\d+))?\s*(?:\)|`)$/.exec(item);
    const brace = /^\{(-?\d+)\.\.(-?\d+)\}$/.exec(item);
    if (seq) {
      const [a, b, c] = [seq[1], seq[2], seq[3]].map((x) => (x === undefined ? undefined : Number(x)));
      const [first, step, last] = c !== undefined ? [a, b, c] : b !== undefined ? [a, 1, b] : [1, 1, a];
      n += Math.max(0, Math.floor(((last as number) - (first as number)) / (step as number)) + 1);
    } else if (brace) n += Math.abs(Number(brace[2]) - Number(brace[1])) + 1;
    else if (item !== '"$@"' && item !== "$@") n++;
  }
  return n;
}

function simple(words: string[], sh: Shell): Result {
  // Leading NAME=value words only set variables for the command.
  const start = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  if (start === -1) return done(0);
  const argv = words.slice(start);
  const [cmd, ...args] = argv as [string, ...string[]];
  switch (cmd) {
    case "set":
      if (args.some((a) => /^-[a-zA-Z]*e/.test(a)) || args.join(" ").includes("-o errexit"))
        sh.errexit = true;
      return done(0);
    case "exit":
      return {
        kind: "done",
        status: args[0] === undefined ? sh.status : Number(args[0]) & 255,
        ms: 0,
        exited: true,
      };
    case "exec": {
      if (!args.length) return done(0);
      const r = sh.runProgram(args, sh.ctx);
      return r.kind === "forever" ? r : { kind: "done", status: r.status, ms: r.ms, exited: true };
    }
    case "break":
      return { kind: "done", status: 0, ms: 0, broke: true };
    case "continue":
      return done(0);
    case "read":
      return sh.ctx.stdin ? forever : done(1);
  }
  return sh.runProgram(argv, sh.ctx);
}

/** `wait` in a list: until the jobs this list started in the background are done. */
function waitFor(jobs: { started: number; outcome: Outcome }[], elapsed: number): Result {
  if (jobs.some((j) => j.outcome.kind === "forever")) return forever;
  const ends = jobs.map((j) => j.started + (j.outcome.kind === "done" ? j.outcome.ms : 0));
  jobs.length = 0;
  return done(0, Math.max(0, ...ends.map((end) => end - elapsed)));
}

function list(items: { node: ShellNode; background: boolean }[], sh: Shell, cond: boolean): Result {
  let ms = 0;
  const jobs: { started: number; outcome: Outcome }[] = [];
  for (const { node, background } of items) {
    if (background) {
      jobs.push({ started: ms, outcome: run(node, sh, true) });
      sh.status = 0;
      continue;
    }
    const r = node.t === "simple" && node.words[0] === "wait" ? waitFor(jobs, ms) : run(node, sh, cond);
    if (!isDone(r)) return r;
    ms += r.ms;
    sh.status = r.status;
    if (r.exited || r.broke) return { ...r, ms };
    if (sh.errexit && !cond && r.status !== 0) return { kind: "done", status: r.status, ms, exited: true };
  }
  return done(sh.status, ms);
}

function run(node: ShellNode, sh: Shell, cond: boolean): Result {
  switch (node.t) {
    case "noop":
      return done(0);
    case "simple":
      return simple(node.words, sh);
    case "list":
      return list(node.items, sh, cond);
    case "andor": {
      let r = run(node.first, sh, true);
      let ms = 0;
      for (const { op, node: next } of node.rest) {
        if (!isDone(r) || r.exited || r.broke) return later(r, ms);
        ms += r.ms;
        sh.status = r.status;
        if ((op === "&&") === (r.status === 0)) r = run(next, sh, true);
        else r = done(r.status);
      }
      return later(r, ms);
    }
    case "pipe": {
      const parts = node.parts.map((p) => run(p, sh, true));
      const last = parts[parts.length - 1] as Result;
      if (parts.some((p) => p.kind === "forever") || !isDone(last)) return forever;
      return done(last.status, Math.max(...parts.map((p) => (isDone(p) ? p.ms : 0))));
    }
    case "loop": {
      const c = run(node.cond, sh, true);
      if (!isDone(c) || c.exited) return c;
      if ((c.status === 0) === node.until) return done(0, c.ms);
      const body = run(node.body, sh, cond);
      if (!isDone(body)) return body;
      if (body.exited) return later(body, c.ms);
      if (body.broke) return done(0, c.ms + body.ms);
      return forever;
    }
    case "for": {
      const count = itemCount(node.items);
      if (!count) return done(0);
      const body = run(node.body, sh, cond);
      if (!isDone(body) || body.exited) return body;
      if (body.broke) return done(0, body.ms);
      return done(body.status, body.ms * count);
    }
    case "if": {
      let ms = 0;
      for (const branch of node.branches) {
        const c = run(branch.cond, sh, true);
        if (!isDone(c) || c.exited) return later(c, ms);
        ms += c.ms;
        if (c.status === 0) return later(run(branch.body, sh, cond), ms);
      }
      return later(node.otherwise ? run(node.otherwise, sh, cond) : done(0), ms);
    }
    case "group": {
      const r = run(node.body, sh, cond);
      return node.subshell && isDone(r) ? done(r.status, r.ms) : r;
    }
  }
}

/**
 * What `sh -c script` does: keeps running, or exits with a status after some time. `runProgram`
 * runs its commands; the caller passes it, as programs.ts runs shells through this.
 */
export function runScript(script: string, ctx: ProcessContext, runProgram: ProgramRunner): Outcome {
  let root: ShellNode;
  try {
    root = parseScript(script);
  } catch (err) {
    if (err instanceof ShellSyntaxError) return done(2);
    throw err;
  }
  const r = run(root, { ctx, runProgram, status: 0, errexit: false }, false);
  return r.kind === "forever" ? r : done(r.status, r.ms);
}
