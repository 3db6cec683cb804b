import type { CommandNode, ScriptNode, StatementNode, TransformPlugin } from "just-bash";
import { consoleMount } from "./console.ts";
import { bodiesOf } from "./script-bodies.ts";

/**
 * Sends what a container's main process prints to its console as each command completes: a
 * transform of the process's script (only its own, not the shells it starts) that gives every
 * command whose output would reach the process's stdout a redirection to the console, before
 * its own redirections (so `> file`, `2>&1` still win). Commands in the middle of a pipeline
 * keep their stdout for the pipe; compound commands are entered only when nothing redirects or
 * pipes them, so a loop's commands each write as they run. Command substitutions are words,
 * not statements, and keep their output.
 *
 * (A script-wide `exec >>console` would do the same in bash, but just-bash lets persistent
 * redirections reach into command substitutions: `x=$(date)` would print the date.)
 */

type Redirection = { type: "Redirection"; fd: number; operator: ">>"; target: unknown };

function toConsole(fd: 1 | 2): Redirection {
  return {
    type: "Redirection",
    fd,
    operator: ">>",
    target: { type: "Word", parts: [{ type: "Literal", value: `${consoleMount}/${fd}` }] },
  };
}

function route(command: CommandNode, stdout: boolean): void {
  if (command.type === "FunctionDef") return;
  const redirections = command.redirections as unknown as Redirection[];
  const bodies = bodiesOf(command);
  if (bodies.length && stdout && redirections.length === 0) {
    for (const body of bodies) routeStatements(body);
    return;
  }
  redirections.unshift(...(stdout ? [toConsole(1), toConsole(2)] : [toConsole(2)]));
}

function routeStatements(statements: StatementNode[]): void {
  for (const statement of statements)
    for (const pipeline of statement.pipelines)
      pipeline.commands.forEach((command, i) => {
        route(command, i === pipeline.commands.length - 1);
      });
}

/** The transform, for the process's own script only (the first exec it sees). */
export function consoleRouting(): TransformPlugin {
  let applied = false;
  return {
    name: "console-routing",
    transform({ ast }: { ast: ScriptNode }) {
      if (applied) return { ast };
      applied = true;
      routeStatements(ast.statements);
      return { ast };
    },
  };
}
