import { definePodCommand, fail, ok } from "./define.ts";

/** `date` on the virtual clock, in UTC (containers have no TZ): GNU date's formats and -d, -u, -I, -R. */

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const fullDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const fullMonths = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const pad = (n: number, w = 2, c = "0") => String(n).padStart(w, c);

/** Formats a time as GNU date's +FORMAT does, in UTC. */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  const field = (c: string): string => {
    switch (c) {
      case "Y":
        return String(d.getUTCFullYear());
      case "y":
        return pad(d.getUTCFullYear() % 100);
      case "C":
        return pad(Math.floor(d.getUTCFullYear() / 100));
      case "m":
        return pad(d.getUTCMonth() + 1);
      case "d":
        return pad(d.getUTCDate());
      case "e":
        return pad(d.getUTCDate(), 2, " ");
      case "H":
        return pad(d.getUTCHours());
      case "I":
        return pad(((d.getUTCHours() + 11) % 12) + 1);
      case "k":
        return pad(d.getUTCHours(), 2, " ");
      case "M":
        return pad(d.getUTCMinutes());
      case "S":
        return pad(d.getUTCSeconds());
      case "N":
        return pad((ms % 1000) * 1_000_000, 9);
      case "s":
        return String(Math.floor(ms / 1000));
      case "a":
        return days[d.getUTCDay()] as string;
      case "A":
        return fullDays[d.getUTCDay()] as string;
      case "b":
      case "h":
        return months[d.getUTCMonth()] as string;
      case "B":
        return fullMonths[d.getUTCMonth()] as string;
      case "p":
        return d.getUTCHours() < 12 ? "AM" : "PM";
      case "Z":
        return "UTC";
      case "z":
        return "+0000";
      case "j":
        return pad(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3);
      case "u":
        return String(d.getUTCDay() || 7);
      case "w":
        return String(d.getUTCDay());
      case "T":
        return `${field("H")}:${field("M")}:${field("S")}`;
      case "R":
        return `${field("H")}:${field("M")}`;
      case "F":
        return `${field("Y")}-${field("m")}-${field("d")}`;
      case "D":
        return `${field("m")}/${field("d")}/${field("y")}`;
      case "c":
        return `${field("a")} ${field("b")} ${field("e")} ${field("T")} ${field("Y")}`;
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "%":
        return "%";
      default:
        return `%${c}`;
    }
  };
  return format.replace(/%([a-zA-Z%])/g, (_m, c: string) => field(c));
}

/** Reads `-d` strings: "@SECONDS", ISO dates, "now", and what Date.parse takes; null otherwise. */
function parseWhen(text: string, now: number): number | null {
  if (text === "now" || text === "") return now;
  if (/^@-?\d+(\.\d+)?$/.test(text)) return Math.round(Number(text.slice(1)) * 1000);
  const rel = /^([+-]?\d+)\s*(second|minute|hour|day|week)s?( ago)?$/.exec(text.trim());
  if (rel) {
    const unit = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 }[rel[2] as "day"];
    return now + Number(rel[1]) * unit * 1000 * (rel[3] ? -1 : 1);
  }
  const iso = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/.test(text)
    ? `${text.replace(" ", "T")}Z`
    : text;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? null : parsed;
}

export const date = definePodCommand("date", async (args, _ctx, world) => {
  let when = world.clock.read();
  let format = "%a %b %e %T %Z %Y";
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-u" || a === "--utc" || a === "--universal") continue;
    if (a === "-d" || a === "--date" || a.startsWith("--date=") || (a.startsWith("-d") && a.length > 2)) {
      const text = a === "-d" || a === "--date" ? (args[++i] ?? "") : a.replace(/^--date=|^-d/, "");
      const parsed = parseWhen(text, when);
      if (parsed === null) return fail(`date: invalid date '${text}'\n`);
      when = parsed;
    } else if (a === "-I" || a.startsWith("--iso-8601") || a.startsWith("-I")) {
      const unit = a.includes("=") ? a.split("=")[1] : a.slice(2);
      format =
        unit === "seconds" || unit === "s"
          ? "%Y-%m-%dT%H:%M:%S+00:00"
          : unit === "minutes"
            ? "%Y-%m-%dT%H:%M+00:00"
            : unit === "hours"
              ? "%Y-%m-%dT%H+00:00"
              : "%Y-%m-%d";
    } else if (a === "-R" || a === "--rfc-email") format = "%a, %d %b %Y %T %z";
    else if (a.startsWith("+")) format = a.slice(1);
    else return fail(`date: invalid date '${a}'\n`);
  }
  return ok(`${formatDate(when, format)}\n`);
});
