import { formatDate } from "./commands/date.ts";

/**
 * Log lines that name their own time (an access log's `[07/Dec/2026:06:30:12 +0000]`) carry a
 * placeholder instead, filled in with the line's time when the log is read: so a loop's turns
 * write the same text, and a repeating loop is seen to repeat.
 */

// Private-use characters, not NUL: the journal is Postgres text, which holds no NUL.
const mark = "\uE000T";
const end = "\uE001";

/** A placeholder for the line's time in `format` (date's +FORMAT). */
export function timeAt(format: string): string {
  return `${mark}${format}${end}`;
}

/** The line with its time filled in. */
export function renderTimes(text: string, atMs: number): string {
  let out = "";
  let at = 0;
  for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, at)) {
    const close = text.indexOf(end, i + mark.length);
    if (close === -1) break;
    out += text.slice(at, i) + formatDate(atMs, text.slice(i + mark.length, close));
    at = close + 1;
  }
  return out + text.slice(at);
}
