/**
 * Go's time.Parse for the two layouts metav1.Time and metav1.MicroTime decode with (RFC 3339, and
 * RFC 3339 with exactly six fractional digits): what it accepts, its error messages, and the value
 * the API server writes back (UTC, to the second or the microsecond).
 */

/** The layouts, as the messages quote them. */
export const layouts = {
  Time: "2006-01-02T15:04:05Z07:00",
  MicroTime: "2006-01-02T15:04:05.000000Z07:00",
} as const;

type Std = "2006" | "01" | "02" | "15" | "04" | "05" | ".000000" | "Z07:00";

/** Each layout as Go's parser walks it: a literal prefix, then one element. */
const chunks: Record<keyof typeof layouts, [string, Std][]> = {
  Time: [
    ["", "2006"],
    ["-", "01"],
    ["-", "02"],
    ["T", "15"],
    [":", "04"],
    [":", "05"],
    ["", "Z07:00"],
  ],
  MicroTime: [
    ["", "2006"],
    ["-", "01"],
    ["-", "02"],
    ["T", "15"],
    [":", "04"],
    [":", "05"],
    ["", ".000000"],
    ["", "Z07:00"],
  ],
};

/** The result of parsing: the value the API server stores, or time.Parse's error message. */
export type TimeResult = { ok: true; value: string | null } | { ok: false; message: string };

const isDigit = (s: string, i: number) => i < s.length && s[i] !== undefined && s[i] >= "0" && s[i] <= "9";

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | null {
  if (!isDigit(s, 0)) return null;
  if (!isDigit(s, 1)) return fixed ? null : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Go's time.atoi: an optional sign, then only digits. */
function atoi(s: string): number | null {
  const m = /^[+-]?(\d+)$/.exec(s);
  if (!m) return null;
  return s.startsWith("-") ? -Number(m[1]) : Number(m[1]);
}

/** Go's parseNanoseconds: "." or "," then digits (at most nine count), scaled to nanoseconds. */
function nanoseconds(value: string, nbytes: number): { ns: number; range?: string } | null {
  if (value[0] !== "." && value[0] !== ",") return null;
  const n = Math.min(nbytes, 10);
  const ns = atoi(value.slice(1, n));
  if (ns === null) return null;
  if (ns < 0) return { ns, range: "fractional second" };
  return { ns: ns * 10 ** (10 - n) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** time's quote: bytes outside printable ASCII as \x escapes (the input is a string of bytes). */
function quote(bytes: string): string {
  let out = '"';
  for (const c of bytes) {
    const b = c.charCodeAt(0);
    if (b >= 0x80 || b < 0x20) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += c === '"' || c === "\\" ? `\\${c}` : c;
  }
  return `${out}"`;
}

/** Parses a metav1.Time or MicroTime string as the API server does. */
export function parseGoTime(input: string, layoutName: keyof typeof layouts): TimeResult {
  const bytes = Buffer.from(input, "utf8").toString("latin1");
  const layout = layouts[layoutName];
  const cannot = (valueElem: string, layoutElem: string): TimeResult => ({
    ok: false,
    message: `parsing time ${quote(bytes)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`,
  });
  const failed = (message: string): TimeResult => ({
    ok: false,
    message: `parsing time ${quote(bytes)}${message}`,
  });
  const t = { year: 0, month: 0, day: 0, hour: 0, min: 0, sec: 0, nsec: 0, offset: 0 };
  let value = bytes;
  const steps = chunks[layoutName];
  for (let i = 0; i < steps.length; i++) {
    const [prefix, std] = steps[i] as [string, Std];
    if (prefix && value[0] !== prefix) return cannot(value, prefix);
    value = value.slice(prefix.length);
    const hold = value;
    let range = "";
    let bad = false;
    const num = (fixed: boolean): number => {
      const got = getnum(value, fixed);
      if (!got) {
        bad = true;
        return 0;
      }
      value = got[1];
      return got[0];
    };
    switch (std) {
      case "2006": {
        const year = value.length >= 4 && isDigit(value, 0) ? atoi(value.slice(0, 4)) : null;
        if (year === null) bad = true;
        else [t.year, value] = [year, value.slice(4)];
        break;
      }
      case "01":
        t.month = num(true);
        if (!bad && (t.month <= 0 || t.month > 12)) range = "month";
        break;
      case "02":
        t.day = num(true);
        break;
      case "15":
        t.hour = num(false);
        if (t.hour >= 24) range = "hour";
        break;
      case "04":
        t.min = num(true);
        if (t.min >= 60) range = "minute";
        break;
      case "05": {
        t.sec = num(true);
        if (bad) break;
        if (t.sec >= 60) {
          range = "second";
          break;
        }
        // A fraction the layout does not name is still accepted after the seconds.
        const fraction = value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigit(value, 1);
        if (!fraction || steps[i + 1]?.[1] === ".000000") break;
        let n = 2;
        while (isDigit(value, n)) n++;
        const parsed = nanoseconds(value, n);
        if (!parsed) bad = true;
        else [t.nsec, range] = [parsed.ns, parsed.range ?? ""];
        value = value.slice(n);
        break;
      }
      case ".000000": {
        const parsed = value.length >= 7 ? nanoseconds(value, 7) : null;
        if (!parsed) {
          bad = true;
          break;
        }
        [t.nsec, range] = [parsed.ns, parsed.range ?? ""];
        value = value.slice(7);
        break;
      }
      case "Z07:00": {
        if (value[0] === "Z") {
          value = value.slice(1);
          break;
        }
        if (value.length < 6 || value[3] !== ":") {
          bad = true;
          break;
        }
        const [sign, hh, mm] = [value[0], getnum(value.slice(1, 3), true), getnum(value.slice(4, 6), true)];
        value = value.slice(6);
        if (!hh || !mm || (sign !== "+" && sign !== "-")) bad = true;
        const [h, m] = [hh?.[0] ?? 0, mm?.[0] ?? 0];
        if (h > 24) range = "time zone offset hour";
        if (m > 60) range = "time zone offset minute";
        t.offset = (sign === "-" ? -1 : 1) * (h * 60 + m) * 60;
        break;
      }
    }
    if (range) return failed(`: ${range} out of range`);
    if (bad) return cannot(hold, std);
  }
  if (value) return failed(`: extra text: ${quote(value)}`);
  if (t.day < 1 || t.day > daysIn(t.month, t.year)) return failed(": day out of range");
  return { ok: true, value: format(t, layoutName) };
}

/** How metav1.Time and MicroTime marshal: UTC, null for Go's zero time. */
function format(t: { [k: string]: number }, layoutName: keyof typeof layouts): string | null {
  const date = new Date(0);
  date.setUTCFullYear(t.year ?? 0, (t.month ?? 1) - 1, t.day);
  date.setUTCHours(t.hour ?? 0, t.min ?? 0, (t.sec ?? 0) - (t.offset ?? 0), 0);
  const seconds = date.toISOString().slice(0, 19);
  if (seconds === "0001-01-01T00:00:00" && !t.nsec) return null;
  if (layoutName === "Time") return `${seconds}Z`;
  return `${seconds}.${String(Math.floor((t.nsec ?? 0) / 1000)).padStart(6, "0")}Z`;
}
