/**
 * What encoding/json's Unmarshal says of bytes decoded into a map[string]interface{}: its scanner's
 * syntax errors ("invalid character 'x' looking for beginning of value", "unexpected end of JSON
 * input"), then the type error of a top-level value that is not an object. The API server quotes
 * it when a docker config Secret does not hold JSON.
 */

class Syntax extends Error {}

/** The scanner's nesting limit (maxNestingDepth). */
const maxNestingDepth = 10000;

const space = new Set([0x20, 0x09, 0x0a, 0x0d]);
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined) =>
  c !== undefined && (isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));

/** A byte as the scanner quotes it: `'x'`, `'\n'`, `'"'`, `'\''`. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const escapes: Record<number, string> = {
    7: "\\a",
    8: "\\b",
    9: "\\t",
    10: "\\n",
    11: "\\v",
    12: "\\f",
    13: "\\r",
  };
  if (escapes[c]) return `'${escapes[c]}'`;
  if (c === 0x5c) return "'\\\\'";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  // A byte above 0x7f reads as the rune of that number; the unprintable ones are escaped.
  if ((c >= 0x80 && c < 0xa0) || c === 0xad) return `'\\u00${c.toString(16)}'`;
  return `'${String.fromCodePoint(c)}'`;
}

/** The top-level kind of a well-formed value, as Go's unmarshal type errors name it. */
type TopKind = "object" | "array" | "string" | "number" | "bool" | "null";

function scan(bytes: Uint8Array): TopKind {
  let pos = 0;
  const peek = () => bytes[pos];
  const fail = (context: string): never => {
    const c = bytes[pos];
    throw new Syntax(
      c === undefined ? "unexpected end of JSON input" : `invalid character ${quoteChar(c)} ${context}`,
    );
  };
  const skip = () => {
    while (pos < bytes.length && space.has(bytes[pos] as number)) pos++;
  };
  const literal = (word: string) => {
    for (let i = 1; i < word.length; i++) {
      pos++;
      if (bytes[pos] !== word.charCodeAt(i)) fail(`in literal ${word} (expecting '${word[i]}')`);
    }
    pos++;
  };
  const string = () => {
    pos++;
    for (;;) {
      const c = peek();
      if (c === undefined) fail("");
      if (c === 0x22) return void pos++;
      if (c === 0x5c) {
        pos++;
        const e = peek();
        if (e === 0x75) {
          for (let i = 0; i < 4; i++) {
            pos++;
            if (!isHex(peek())) fail("in \\u hexadecimal character escape");
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(String.fromCharCode(e)))
          fail("in string escape code");
      } else if ((c as number) < 0x20) fail("in string literal");
      pos++;
    }
  };
  const digits = () => {
    while (isDigit(peek())) pos++;
  };
  const number = () => {
    if (peek() === 0x2d) {
      pos++;
      if (!isDigit(peek())) fail("in numeric literal");
    }
    if (peek() === 0x30) pos++;
    else digits();
    if (peek() === 0x2e) {
      pos++;
      if (!isDigit(peek())) fail("after decimal point in numeric literal");
      digits();
    }
    if (peek() === 0x65 || peek() === 0x45) {
      pos++;
      if (peek() === 0x2b || peek() === 0x2d) pos++;
      if (!isDigit(peek())) fail("in exponent of numeric literal");
      digits();
    }
  };
  const scalar = (): TopKind => {
    const c = peek();
    if (c === 0x22) {
      string();
      return "string";
    }
    if (c === 0x2d || isDigit(c)) {
      number();
      return "number";
    }
    for (const [word, kind] of [
      ["true", "bool"],
      ["false", "bool"],
      ["null", "null"],
    ] as const)
      if (c === word.charCodeAt(0)) {
        literal(word);
        return kind;
      }
    return fail("looking for beginning of value");
  };
  /** An object key and its colon, from the key's opening quote. */
  const objectKey = () => {
    if (peek() !== 0x22) fail("looking for beginning of object key string");
    string();
    skip();
    if (peek() !== 0x3a) fail("after object key");
    pos++;
  };
  // A loop over an explicit stack of open containers rather than recursion, so that nesting up to
  // the scanner's limit never runs out of call stack.
  const open: ("object" | "array")[] = [];
  let top: TopKind | undefined;
  let wantValue = true;
  for (;;) {
    if (wantValue) {
      skip();
      const c = peek();
      if (c === 0x7b || c === 0x5b) {
        if (open.length >= maxNestingDepth) fail("exceeded max depth");
        const kind = c === 0x7b ? "object" : "array";
        top ??= kind;
        pos++;
        skip();
        if (peek() === (c === 0x7b ? 0x7d : 0x5d)) pos++;
        else {
          open.push(kind);
          if (kind === "object") objectKey();
          continue;
        }
      } else {
        const kind = scalar();
        top ??= kind;
      }
      wantValue = false;
    }
    const container = open.at(-1);
    if (container === undefined) break;
    skip();
    const c = peek();
    if (c === (container === "object" ? 0x7d : 0x5d)) {
      pos++;
      open.pop();
    } else if (c !== 0x2c)
      fail(container === "object" ? "after object key:value pair" : "after array element");
    else {
      pos++;
      if (container === "object") {
        skip();
        objectKey();
      }
      wantValue = true;
    }
  }
  skip();
  if (pos < bytes.length) fail("after top-level value");
  return top as TopKind;
}

/** The scanner's error for these bytes ("invalid character 'x' looking for beginning of value"), or null for JSON. */
export function goJsonSyntaxError(bytes: Uint8Array): string | null {
  try {
    scan(bytes);
    return null;
  } catch (err) {
    if (err instanceof Syntax) return err.message;
    throw err;
  }
}

/** Unmarshal's error for these bytes into map[string]interface{}, or null when it succeeds. */
export function goJsonObjectError(bytes: Uint8Array): string | null {
  let top: TopKind;
  try {
    top = scan(bytes);
  } catch (err) {
    if (err instanceof Syntax) return err.message;
    throw err;
  }
  if (top === "object" || top === "null") return null;
  return `json: cannot unmarshal ${top} into Go value of type map[string]interface {}`;
}
