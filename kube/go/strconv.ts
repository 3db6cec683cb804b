/** Go's strconv number parsing, with the errors the API server passes on (query parameters, for one). */
import { goQuote } from "./format.ts";

/** What a parse gives: the number, or Go's error text. */
export type ParseResult = { ok: true; value: number } | { ok: false; message: string };

/**
 * strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, within int64. Errors read
 * `strconv.ParseInt: parsing "x": invalid syntax` (or `value out of range`).
 */
export function parseInt64(text: string): ParseResult {
  const fail = (reason: string): ParseResult => ({
    ok: false,
    message: `strconv.ParseInt: parsing ${goQuote(text)}: ${reason}`,
  });
  if (!/^[+-]?\d+$/.test(text)) return fail("invalid syntax");
  const n = BigInt(text);
  if (n < -(1n << 63n) || n >= 1n << 63n) return fail("value out of range");
  return { ok: true, value: Number(n) };
}

/**
 * strconv.ParseUint(text, 10, 64): decimal digits, within uint64 (no sign). Errors read
 * `strconv.ParseUint: parsing "x": invalid syntax` (or `value out of range`). Values past
 * Number.MAX_SAFE_INTEGER lose precision, as no revision here reaches them.
 */
export function parseUint64(text: string): ParseResult {
  const fail = (reason: string): ParseResult => ({
    ok: false,
    message: `strconv.ParseUint: parsing ${goQuote(text)}: ${reason}`,
  });
  if (!/^\d+$/.test(text)) return fail("invalid syntax");
  if (BigInt(text) >= 1n << 64n) return fail("value out of range");
  return { ok: true, value: Number(text) };
}
