import {
  type CommandNode,
  defineCommand,
  type ScriptNode,
  type SimpleCommandNode,
  type StatementNode,
  type TransformPlugin,
  type WordNode,
} from "just-bash";
import { redirectionFailure, type ShellDialect } from "./dialect.ts";

/** Where a tree is mounted, and whether it refuses writes. */
export interface MountPoint {
  path: string;
  readOnly: boolean;
}

type RedirectionNode = SimpleCommandNode["redirections"][number];

/**
 * A redirection into a read-only mount fails as the shell's open(2) fails there: the command
 * is not run, the shell says why in its own words (`sh: can't create /etc/cfg/a: Read-only
 * file system`) and the script goes on with its status. just-bash (3.6) lets a redirection's
 * failed open escape the whole script instead, so a script's own redirections are checked
 * before it runs: the mounts do not change while it runs, so a literal absolute target under a
 * read-only mount is known to fail, and the command that names it is replaced by one that
 * fails so. A target only known as the script runs (`> $f`, a relative path) still escapes,
 * and ends the process where it does (evaluate.ts, with the same words).
 */

/** The command a refused redirection becomes: prints its message, exits with its status. */
export const redirectionFailed = defineCommand("kubesandbox-redirection-failed", async (args) => ({
  stdout: "",
  stderr: args[1] ?? "",
  exitCode: Number(args[0] ?? 1),
}));

const opening = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);

/** A word's text when it expands to itself (no parameters, globs, substitutions), else null. */
function literalText(word: WordNode): string | null {
  let text = "";
  for (const part of word.parts) {
    if (part.type === "Literal" || part.type === "SingleQuoted" || part.type === "Escaped")
      text += part.value;
    else if (part.type === "DoubleQuoted") {
      const inner = literalText({ type: "Word", parts: part.parts } as WordNode);
      if (inner === null) return null;
      text += inner;
    } else return null;
  }
  return text;
}

/** An absolute path with "." and ".." resolved. */
function normalized(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}

/** Whether `path` lies inside a read-only mount (the deepest mount above it decides). */
export function inReadOnlyMount(mounts: readonly MountPoint[], path: string): boolean {
  let best: MountPoint | null = null;
  for (const m of mounts) {
    const at = m.path.length > 1 ? m.path.replace(/\/+$/, "") : m.path;
    const under = at === "/" || path.startsWith(`${at}/`);
    if (under && (!best || best.path.length < at.length)) best = { ...m, path: at };
  }
  return best?.readOnly === true;
}

/** The path of the first redirection of `redirections` that cannot open, and its index. */
function refusedTarget(
  mounts: readonly MountPoint[],
  redirections: RedirectionNode[],
): { index: number; path: string } | null {
  for (const [index, r] of redirections.entries()) {
    if (!opening.has(r.operator) || r.target.type !== "Word") continue;
    const text = literalText(r.target);
    if (text === null || !text.startsWith("/")) continue;
    if (inReadOnlyMount(mounts, normalized(text))) return { index, path: text };
  }
  return null;
}

function word(value: string): WordNode {
  return { type: "Word", parts: [{ type: "SingleQuoted", value }] } as WordNode;
}

function bodiesOf(command: CommandNode): StatementNode[][] {
  switch (command.type) {
    case "If":
      return [
        ...command.clauses.flatMap((c) => [c.condition, c.body]),
        ...(command.elseBody ? [command.elseBody] : []),
      ];
    case "For":
    case "CStyleFor":
    case "Subshell":
    case "Group":
      return [command.body];
    case "While":
    case "Until":
      return [command.condition, command.body];
    case "Case":
      return command.items.map((i) => i.body);
    case "FunctionDef":
      return bodiesOf(command.body);
    default:
      return [];
  }
}

/** The transform, for every script the process runs (its own, `eval`'s, a nested shell's). */
export function readOnlyRedirections(mounts: readonly MountPoint[], shell: ShellDialect): TransformPlugin {
  const checked = (command: CommandNode): CommandNode => {
    const refused = command.type === "FunctionDef" ? null : refusedTarget(mounts, command.redirections);
    if (!refused) {
      for (const body of bodiesOf(command)) visit(body);
      return command;
    }
    const line = command.line || 1;
    const { message, status } = redirectionFailure(shell, refused.path, "Read-only file system", line);
    const failing: SimpleCommandNode = {
      type: "SimpleCommand",
      line,
      assignments: [],
      name: word(redirectionFailed.name),
      args: [word(String(status)), word(message)],
      // The redirections before it are made (`2>/dev/null > /ro/f` says nothing), not those after.
      redirections: command.redirections.slice(0, refused.index),
    };
    return failing;
  };
  const visit = (statements: StatementNode[]) => {
    for (const statement of statements)
      for (const pipeline of statement.pipelines) pipeline.commands = pipeline.commands.map(checked);
  };
  return {
    name: "read-only-redirections",
    transform({ ast }: { ast: ScriptNode }) {
      visit(ast.statements);
      return { ast };
    },
  };
}
