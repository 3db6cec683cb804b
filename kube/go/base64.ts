/**
 * Go's base64.StdEncoding decoding, as encoding/json decodes []byte fields (ConfigMap binaryData,
 * Secret data): padding required, CR and LF skipped, and on bad input the offset of the first bad
 * byte, which its error message names ("illegal base64 data at input byte 4").
 */

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const decodeMap = new Map([...alphabet].map((c, i) => [c.charCodeAt(0), i]));
const pad = "=".charCodeAt(0);
const isNewline = (b: number | undefined) => b === 10 || b === 13;

/** The result of decoding: the bytes, or the offset Go's CorruptInputError reports. */
export type Base64Result = { ok: true; bytes: Buffer } | { ok: false; offset: number };

/** Decodes standard, padded base64 as encoding/base64 does. */
export function decodeBase64(text: string): Base64Result {
  const src = Buffer.from(text, "utf8");
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const quantum: number[] = [];
    let end = false;
    while (quantum.length < 4) {
      if (si === src.length) {
        if (quantum.length === 0) return { ok: true, bytes: Buffer.from(out) };
        return { ok: false, offset: si - quantum.length };
      }
      const b = src[si++] as number;
      const v = decodeMap.get(b);
      if (v !== undefined) {
        quantum.push(v);
        continue;
      }
      if (isNewline(b)) continue;
      if (b !== pad || quantum.length < 2) return { ok: false, offset: si - 1 };
      if (quantum.length === 2) {
        // "==" expected: the second "=" may come after newlines.
        while (isNewline(src[si])) si++;
        if (si === src.length) return { ok: false, offset: src.length };
        if (src[si] !== pad) return { ok: false, offset: si - 1 };
        si++;
      }
      while (isNewline(src[si])) si++;
      if (si < src.length) return { ok: false, offset: si };
      end = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
    out.length -= 4 - Math.max(quantum.length, 1);
    if (end) break;
  }
  return { ok: true, bytes: Buffer.from(out) };
}

/** base64.CorruptInputError's message, as encoding/json reports it for a []byte field. */
export function base64Message(offset: number): string {
  return `illegal base64 data at input byte ${offset}`;
}
