import { setOwn } from "../object.ts";

/**
 * JSON as Go's decoder sees it: objects keep every key in order, duplicates included, and numbers
 * keep their literal text ("1.0", "1e3"), both of which JSON.parse loses and encoding/json reports.
 */

/** One JSON value, losslessly. */
export type JsonNode =
  | { type: "object"; entries: [string, JsonNode][] }
  | { type: "array"; items: JsonNode[] }
  | { type: "number"; text: string }
  | { type: "string"; value: string }
  | { type: "bool"; value: boolean }
  | { type: "null" };

/** encoding/json's nesting limit; deeper input is a syntax error there. */
export const maxDepth = 10000;

/** Thrown for input nested deeper than encoding/json accepts, with its message. */
export class DepthError extends Error {
  constructor() {
    super("exceeded max depth");
  }
}

/**
 * A JSON request body: the value JSON.parse gives, and the text it was parsed from, which the typed
 * decoding reads again to see duplicate keys and number literals as the client sent them. The two
 * travel together explicitly (DecodeOptions.sourceText), so a copy of the value loses nothing.
 */
export interface JsonBody {
  readonly value: unknown;
  readonly text: string;
}

/** JSON.parse for request bodies, keeping the text beside the value. */
export function parseJsonBody(text: string): JsonBody {
  return { value: JSON.parse(text), text };
}

/** The nodes of a value: parsed again from the text it came from when there is one, else converted. */
export function nodesOf(value: unknown, sourceText?: string): JsonNode {
  return sourceText === undefined ? withinStack(() => valueToNode(value, 0)) : parseJsonNodes(sourceText);
}

/** A JSON value (JSON.parse, YAML or a patch result) as nodes; numbers as Go re-encodes a float64. */
function valueToNode(value: unknown, depth: number): JsonNode {
  if (typeof value === "object" && value !== null && depth >= maxDepth) throw new DepthError();
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "boolean") return { type: "bool", value };
  if (typeof value === "number" || typeof value === "bigint") return { type: "number", text: String(value) };
  if (Array.isArray(value)) return { type: "array", items: value.map((v) => valueToNode(v, depth + 1)) };
  if (typeof value === "object")
    return {
      type: "object",
      entries: Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, valueToNode(v, depth + 1)]),
    };
  return { type: "null" };
}

/** The plain value of nodes, as JSON.parse would give it (the last of duplicate keys wins). */
export function nodeToValue(node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.entries) setOwn(out, k, nodeToValue(v));
      return out;
    }
    case "array":
      return node.items.map(nodeToValue);
    case "number":
      return Number(node.text);
    case "string":
    case "bool":
      return node.value;
    case "null":
      return null;
  }
}

const whitespace = /[ \t\n\r]*/y;
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// Unrolled ("runs of plain characters, then an escape"), not an alternation per character: on a
// 3 MiB string the alternation took ~200 ms of the event loop, this ~2 ms (the same strings match).
const stringToken = /"[^"\\]*(?:\\.[^"\\]*)*"/y;

/** Parses JSON text (already known to be valid) into nodes. */
export function parseJsonNodes(text: string): JsonNode {
  let pos = 0;
  const skip = () => {
    whitespace.lastIndex = pos;
    whitespace.exec(text);
    pos = whitespace.lastIndex;
  };
  const token = (re: RegExp): string => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new SyntaxError(`invalid JSON at ${pos}`);
    pos = re.lastIndex;
    return m[0];
  };
  const literal = (word: string, node: JsonNode): JsonNode => {
    pos += word.length;
    return node;
  };
  const value = (depth: number): JsonNode => {
    skip();
    const c = text[pos];
    if ((c === "{" || c === "[") && depth >= maxDepth) throw new DepthError();
    if (c === "{") {
      pos++;
      const entries: [string, JsonNode][] = [];
      skip();
      if (text[pos] === "}") {
        pos++;
        return { type: "object", entries };
      }
      for (;;) {
        skip();
        const key = JSON.parse(token(stringToken)) as string;
        skip();
        pos++; // ':'
        entries.push([key, value(depth + 1)]);
        skip();
        if (text[pos++] === "}") return { type: "object", entries };
      }
    }
    if (c === "[") {
      pos++;
      const items: JsonNode[] = [];
      skip();
      if (text[pos] === "]") {
        pos++;
        return { type: "array", items };
      }
      for (;;) {
        items.push(value(depth + 1));
        skip();
        if (text[pos++] === "]") return { type: "array", items };
      }
    }
    if (c === '"') return { type: "string", value: JSON.parse(token(stringToken)) as string };
    if (c === "t") return literal("true", { type: "bool", value: true });
    if (c === "f") return literal("false", { type: "bool", value: false });
    if (c === "n") return literal("null", { type: "null" });
    return { type: "number", text: token(numberToken) };
  };
  return withinStack(() => value(0));
}

/** Runs a recursive walk; running out of stack on deep input counts as too deep, not as a crash. */
export function withinStack<T>(walk: () => T): T {
  try {
    return walk();
  } catch (err) {
    if (err instanceof RangeError) throw new DepthError();
    throw err;
  }
}
