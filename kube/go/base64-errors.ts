/**
 * Go's base64.StdEncoding as encoding/json decodes a []byte field with it: padded, newlines ignored,
 * and, for bad input, the byte offset its CorruptInputError reports.
 */

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const valid = new Set(Array.from(alphabet, (c) => c.charCodeAt(0)));
const equals = 0x3d;
const isNewline = (b: number | undefined) => b === 0x0a || b === 0x0d;

/** The offset of the first illegal byte of a base64 string, or null when Go decodes it. */
export function base64ErrorOffset(text: string): number | null {
  const src = Buffer.from(text, "utf8");
  let si = 0;
  for (;;) {
    let j = 0;
    while (j < 4) {
      if (si === src.length) return j === 0 ? null : si - j;
      const b = src[si++] as number;
      if (valid.has(b)) {
        j++;
        continue;
      }
      if (isNewline(b)) continue;
      if (b !== equals || j < 2) return si - 1;
      return paddingError(src, si, j);
    }
  }
}

/** After the first "=" of a quantum with j data bytes: the rest must be padding and newlines. */
function paddingError(src: Buffer, start: number, j: number): number | null {
  let si = start;
  const skipNewlines = () => {
    while (si < src.length && isNewline(src[si])) si++;
  };
  if (j === 2) {
    skipNewlines();
    if (si === src.length) return src.length;
    if (src[si] !== equals) return si - 1;
    si++;
  }
  skipNewlines();
  return si < src.length ? si : null;
}

/** The error encoding/json reports for a []byte field given bad base64. */
export function base64Message(offset: number): string {
  return `illegal base64 data at input byte ${offset}`;
}
