import { formatDate } from "./commands/date.ts";

/**
 * Log lines that name their own time (an access log's `[07/Dec/2026:06:30:12 +0000]`) carry a
 * placeholder instead, filled in with the line's time when the log is read: so a loop's turns
 * write the same text, and a repeating loop is seen to repeat.
 */

const mark = "\u001eT";

/** A placeholder for the line's time in `format` (date's +FORMAT). */
export function timeAt(format: string): string {
  return `${mark}${format}\u001e`;
}

/** The line with its time filled in. */
export function renderTimes(text: string, atMs: number): string {
  let out = "";
  let at = 0;
  for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, at)) {
    const end = text.indexOf("\u001e", i + mark.length);
    if (end === -1) break;
    out += text.slice(at, i) + formatDate(atMs, text.slice(i + mark.length, end));
    at = end + 1;
  }
  return out + text.slice(at);
}
