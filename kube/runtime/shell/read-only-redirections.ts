import {
  type CommandNode,
  type CustomCommand,
  defineCommand,
  type ScriptNode,
  type SimpleCommandNode,
  type StatementNode,
  type TransformPlugin,
  type WordNode,
} from "just-bash";
import { deepestMount, trimmed } from "../mount-at.ts";
import { redirectionFailure, type ShellDialect } from "./dialect.ts";
import { bodiesOf } from "./script-bodies.ts";

/**
 * A redirection into a read-only mount fails as the shell's open(2) fails there: the command
 * is not run, the shell says why in its own words (`sh: can't create /etc/cfg/a: Read-only
 * file system`) and the script goes on with the shell's status for it. just-bash (3.6) lets a
 * redirection's failed open escape the whole script instead, so a script's redirections are
 * checked before they open, by a command the transform puts there:
 * - a literal absolute target in a read-only mount (the mounts do not change while a script
 *   runs) is known to fail: its command is replaced by the check, which fails;
 * - a target known only as it runs (`> $f`, `> "$DIR/a"`) that may reach a read-only mount is
 *   checked first (`{ check "$f" && cmd > $f; }`, the value resolved from the directory
 *   then); words whose expansion does something (`$(…)`, `${x:=y}`, globs) are not expanded
 *   twice.
 * A target written relative (`> a`, `> logs/$n`) is not checked: only a script that moved
 * into a read-only mount could fail there, and a check on every `>> log` of a loop would cost
 * more than it finds. What the check does not see still escapes, and ends the process where
 * it does (evaluate.ts, in the same words).
 */

/** Where a tree is mounted, and whether it refuses writes. */
export interface MountPoint {
  path: string;
  readOnly: boolean;
}

type RedirectionNode = SimpleCommandNode["redirections"][number];
type WordPart = WordNode["parts"][number];
type PipelineNode = StatementNode["pipelines"][number];

const checkName = "kubesandbox-redirection-check";
const opening = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);

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

/**
 * Whether `path` (absolute) lies inside a read-only mount: the deepest mount above it decides
 * (a mount point itself counts as its parent's).
 */
function inReadOnlyMount(mounts: readonly MountPoint[], path: string): boolean {
  const above = mounts.filter((m) => trimmed(m.path) !== path);
  return deepestMount(above, (m) => m.path, path)?.mount.readOnly === true;
}

/** The text a word's leading parts fix (up to its first expansion), and whether that is all of it. */
function fixedText(parts: readonly WordPart[]): { text: string; whole: boolean } {
  let text = "";
  for (const part of parts) {
    if (part.type === "Literal" || part.type === "SingleQuoted" || part.type === "Escaped")
      text += part.value;
    else if (part.type === "DoubleQuoted") {
      const inner = fixedText(part.parts);
      text += inner.text;
      if (!inner.whole) return { text, whole: false };
    } else return { text, whole: false };
  }
  return { text, whole: true };
}

/** Whether expanding a word twice is the same as once: text and plain `$x`, nothing else. */
function expandsPlainly(parts: readonly WordPart[]): boolean {
  return parts.every(
    (p) =>
      p.type === "Literal" ||
      p.type === "SingleQuoted" ||
      p.type === "Escaped" ||
      (p.type === "ParameterExpansion" && p.operation === null) ||
      (p.type === "DoubleQuoted" && expandsPlainly(p.parts)),
  );
}

/** How a redirection's target stands: fails for sure, to be checked as it runs, or fine. */
function standing(mounts: readonly MountPoint[], target: WordNode): "fails" | "check" | "opens" {
  const { text, whole } = fixedText(target.parts);
  if (whole) return text.startsWith("/") && inReadOnlyMount(mounts, normalized(text)) ? "fails" : "opens";
  if (!expandsPlainly(target.parts)) return "opens";
  if (text === "") return "check"; // `$f`, `"$DIR/a"`: anywhere.
  if (!text.startsWith("/")) return "opens";
  // `/etc/cfg/$name` may reach a read-only mount under or above its fixed directory.
  const dir = normalized(text.slice(0, text.lastIndexOf("/") + 1));
  const reaches = mounts.some(
    (m) => m.readOnly && (m.path === dir || m.path.startsWith(`${dir}/`) || dir === "/"),
  );
  return reaches || inReadOnlyMount(mounts, `${dir}/x`) ? "check" : "opens";
}

function literal(value: string): WordNode {
  return { type: "Word", parts: [{ type: "SingleQuoted", value }] } as WordNode;
}

/** The check of one target, after the redirections before it (which carry its message). */
function check(line: number, target: WordNode, before: RedirectionNode[]): SimpleCommandNode {
  return {
    type: "SimpleCommand",
    line,
    assignments: [],
    name: literal(checkName),
    args: [literal(String(line)), structuredClone(target)],
    redirections: structuredClone(before),
  };
}

/** A command run only when the check before it passes: `{ check && command; }`. */
function checkedFirst(guard: SimpleCommandNode, command: CommandNode): CommandNode {
  const pipeline = (c: CommandNode): PipelineNode => ({ type: "Pipeline", commands: [c], negated: false });
  return {
    type: "Group",
    line: command.line,
    redirections: [],
    body: [
      {
        type: "Statement",
        pipelines: [pipeline(guard), pipeline(command)],
        operators: ["&&"],
        background: false,
      },
    ],
  };
}

/**
 * The transform, for every script the process runs (its own, `eval`'s, a nested shell's), and
 * the check it calls, for a container whose mounts and shell are these.
 */
export function readOnlyRedirections(
  mounts: readonly MountPoint[],
  shell: ShellDialect,
): { plugin: TransformPlugin; command: CustomCommand } {
  const checked = (command: CommandNode): CommandNode => {
    if (command.type !== "FunctionDef")
      for (const [index, r] of command.redirections.entries()) {
        if (!opening.has(r.operator) || r.target.type !== "Word") continue;
        const how = standing(mounts, r.target);
        if (how === "opens") continue;
        const guard = check(command.line || 1, r.target, command.redirections.slice(0, index));
        if (how === "fails") return guard;
        for (const body of bodiesOf(command)) visit(body);
        return checkedFirst(guard, command);
      }
    for (const body of bodiesOf(command)) visit(body);
    return command;
  };
  const visit = (statements: StatementNode[]) => {
    for (const statement of statements)
      for (const pipeline of statement.pipelines) pipeline.commands = pipeline.commands.map(checked);
  };
  const command = defineCommand(checkName, async ([line, target = ""], ctx) => {
    const path = normalized(target.startsWith("/") ? target : `${ctx.cwd}/${target}`);
    if (!inReadOnlyMount(mounts, path)) return { stdout: "", stderr: "", exitCode: 0 };
    const failure = redirectionFailure(shell, target, "Read-only file system", Number(line) || 1);
    return { stdout: "", stderr: failure.message, exitCode: failure.status };
  });
  return {
    plugin: {
      name: "read-only-redirections",
      transform({ ast }: { ast: ScriptNode }) {
        visit(ast.statements);
        return { ast };
      },
    },
    command,
  };
}
