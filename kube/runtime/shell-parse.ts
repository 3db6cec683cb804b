/**
 * A small POSIX sh parser for the scripts containers run (`sh -c '…'`): enough grammar to tell
 * what a script does over time — lists, && and ||, pipelines, background jobs, while/until/for
 * loops, if, groups and subshells. Words keep their text (quotes removed, expansions left as
 * written); redirections, case blocks and function definitions are read and set aside.
 */

/** A parsed script. */
export type ShellNode =
  | { t: "simple"; words: string[] }
  | { t: "list"; items: { node: ShellNode; background: boolean }[] }
  | { t: "andor"; first: ShellNode; rest: { op: "&&" | "||"; node: ShellNode }[] }
  | { t: "pipe"; parts: ShellNode[] }
  | { t: "loop"; until: boolean; cond: ShellNode; body: ShellNode }
  | { t: "for"; items: string[]; body: ShellNode }
  | { t: "if"; branches: { cond: ShellNode; body: ShellNode }[]; otherwise: ShellNode | null }
  | { t: "group"; body: ShellNode; subshell: boolean }
  | { t: "noop" };

type Token = { op: string } | { word: string; quoted: boolean };

/** Thrown for a script sh would refuse: sh exits 2 without running anything. */
export class ShellSyntaxError extends Error {}

const redirect = /^(\d*)(>>|>&|>\||>|<<-?|<&|<>|<|&>>|&>)(\d+|-)?/;

function readQuoted(src: string, i: number, close: string): number {
  for (let j = i; j < src.length; j++) {
    if (close === '"' && src[j] === "\\") j++;
    else if (src[j] === close) return j;
  }
  throw new ShellSyntaxError(`unterminated quoted string`);
}

function readBalanced(src: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    if (src[j] === "'" || src[j] === '"') j = readQuoted(src, j + 1, src[j] as string);
    else if (src[j] === open) depth++;
    else if (src[j] === close && --depth === 0) return j;
  }
  throw new ShellSyntaxError(`missing '${close}'`);
}

/** Splits a script into words and operators, as sh's tokenizer does. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === " " || c === "\t") i++;
    else if (c === "\\" && src[i + 1] === "\n") i += 2;
    else if (c === "\n") {
      out.push({ op: ";" });
      i++;
    } else if (c === "#") while (i < src.length && src[i] !== "\n") i++;
    else {
      const r = redirect.exec(src.slice(i));
      const two = src.slice(i, i + 2);
      if (r) {
        out.push({ op: r[3] ? "redirect-done" : "redirect" });
        i += r[0].length;
      } else if (two === "&&" || two === "||" || two === ";;") {
        out.push({ op: two });
        i += 2;
      } else if (";&|()".includes(c)) {
        out.push({ op: c });
        i++;
      } else i = readWord(src, i, out);
    }
  }
  return out;
}

function readWord(src: string, start: number, out: Token[]): number {
  let word = "";
  let quoted = false;
  let i = start;
  while (i < src.length && !" \t\n;&|()<>".includes(src[i] as string)) {
    const c = src[i] as string;
    if (c === "'" || c === '"') {
      const end = readQuoted(src, i + 1, c);
      word += src.slice(i + 1, end).replace(c === '"' ? /\\(["\\$`])/g : /(?!)/g, "$1");
      quoted = true;
      i = end + 1;
    } else if (c === "\\") {
      word += src[i + 1] ?? "";
      i += 2;
    } else if (c === "$" && (src[i + 1] === "(" || src[i + 1] === "{")) {
      const end = readBalanced(src, i + 1, src[i + 1] as string, src[i + 1] === "(" ? ")" : "}");
      word += src.slice(i, end + 1);
      i = end + 1;
    } else if (c === "`") {
      const end = readQuoted(src, i + 1, "`");
      word += src.slice(i, end + 1);
      i = end + 1;
    } else {
      word += c;
      i++;
    }
  }
  out.push({ word, quoted });
  return i;
}

const reserved = new Set(["do", "done", "then", "elif", "else", "fi", "esac", "}"]);

/** Parses a script; throws ShellSyntaxError where sh would. */
export function parseScript(src: string): ShellNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (op: string) => {
    const t = peek();
    return t !== undefined && "op" in t && t.op === op;
  };
  const isWord = (w: string) => {
    const t = peek();
    return t !== undefined && "word" in t && !t.quoted && t.word === w;
  };
  const expectWord = (w: string) => {
    if (!isWord(w)) throw new ShellSyntaxError(`syntax error: expected "${w}"`);
    pos++;
  };
  const skipSeparators = () => {
    while (isOp(";")) pos++;
  };

  function list(stop: (t: Token | undefined) => boolean): ShellNode {
    const items: { node: ShellNode; background: boolean }[] = [];
    skipSeparators();
    while (peek() !== undefined && !stop(peek())) {
      const node = andOr();
      const background = isOp("&");
      if (background || isOp(";")) pos++;
      items.push({ node, background });
      skipSeparators();
    }
    return { t: "list", items };
  }

  const endsAt =
    (...words: string[]) =>
    (t: Token | undefined) =>
      t !== undefined &&
      (("word" in t && !t.quoted && words.includes(t.word)) || ("op" in t && t.op === ")"));

  function andOr(): ShellNode {
    const first = pipeline();
    const rest: { op: "&&" | "||"; node: ShellNode }[] = [];
    while (isOp("&&") || isOp("||")) {
      const op = (peek() as { op: "&&" | "||" }).op;
      pos++;
      skipSeparators();
      rest.push({ op, node: pipeline() });
    }
    return rest.length ? { t: "andor", first, rest } : first;
  }

  function pipeline(): ShellNode {
    if (isWord("!")) pos++;
    const parts = [command()];
    while (isOp("|")) {
      pos++;
      skipSeparators();
      parts.push(command());
    }
    return parts.length > 1 ? { t: "pipe", parts } : (parts[0] as ShellNode);
  }

  function command(): ShellNode {
    if (isWord("while") || isWord("until")) {
      const until = isWord("until");
      pos++;
      const cond = list(endsAt("do"));
      expectWord("do");
      const body = list(endsAt("done"));
      expectWord("done");
      redirections();
      return { t: "loop", until, cond, body };
    }
    if (isWord("for")) {
      pos++;
      pos++; // the variable
      const items: string[] = [];
      if (isWord("in")) {
        pos++;
        while (peek() && "word" in (peek() as Token)) items.push((tokens[pos++] as { word: string }).word);
      } else items.push('"$@"');
      skipSeparators();
      expectWord("do");
      const body = list(endsAt("done"));
      expectWord("done");
      redirections();
      return { t: "for", items, body };
    }
    if (isWord("if")) {
      pos++;
      const branches = [];
      let otherwise: ShellNode | null = null;
      for (;;) {
        const cond = list(endsAt("then"));
        expectWord("then");
        branches.push({ cond, body: list(endsAt("elif", "else", "fi")) });
        if (isWord("elif")) pos++;
        else break;
      }
      if (isWord("else")) {
        pos++;
        otherwise = list(endsAt("fi"));
      }
      expectWord("fi");
      redirections();
      return { t: "if", branches, otherwise };
    }
    if (isWord("{") || isOp("(")) {
      const subshell = isOp("(");
      pos++;
      const body = list(subshell ? endsAt() : endsAt("}"));
      if (subshell ? !isOp(")") : !isWord("}"))
        throw new ShellSyntaxError("syntax error: unexpected end of file");
      pos++;
      redirections();
      return { t: "group", body, subshell };
    }
    if (isWord("case")) {
      while (peek() && !isWord("esac")) pos++;
      expectWord("esac");
      return { t: "noop" };
    }
    return simple();
  }

  function redirections() {
    while (isOp("redirect") || isOp("redirect-done")) {
      pos += isOp("redirect") ? 2 : 1;
    }
  }

  function simple(): ShellNode {
    const words: string[] = [];
    for (;;) {
      const t = peek();
      if (t === undefined) break;
      if ("op" in t) {
        if (t.op === "redirect" || t.op === "redirect-done") redirections();
        else if (t.op === "(" && words.length === 1) {
          // A function definition: name() { …; } — defined, not run.
          pos++;
          if (!isOp(")")) throw new ShellSyntaxError('syntax error: unexpected "("');
          pos++;
          skipSeparators();
          command();
          return { t: "noop" };
        } else break;
      } else {
        if (!words.length && !t.quoted && reserved.has(t.word))
          throw new ShellSyntaxError(`syntax error: unexpected "${t.word}"`);
        words.push(t.word);
        pos++;
      }
    }
    if (!words.length) throw new ShellSyntaxError("syntax error: unexpected end of file");
    return { t: "simple", words };
  }

  const root = list(() => false);
  if (pos < tokens.length) throw new ShellSyntaxError("syntax error");
  return root;
}
