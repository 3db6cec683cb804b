/**
 * curl's progress meter, as it writes it to stderr when its output is not a terminal: the two
 * header lines, then the meter redrawn after carriage returns, ending in a newline.
 */

const header =
  "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
  "                                 Dload  Upload   Total   Spent    Left  Speed\n";

/** curl's max5data: a byte count or rate in at most five characters. */
export function max5(bytes: number): string {
  const k = 1024;
  if (bytes < 100000) return String(Math.round(bytes)).padStart(5);
  if (bytes < 10000 * k) return `${Math.floor(bytes / k)}k`.padStart(5);
  if (bytes < 100 * k * k)
    return `${Math.floor(bytes / (k * k))}.${Math.floor((bytes % (k * k)) / (k * 102.4))}M`.padStart(5);
  return `${Math.floor(bytes / (k * k))}M`.padStart(5);
}

function line(total: number, received: number, rate: number): string {
  const pct = (n: number) => String(total ? Math.floor((n * 100) / total) : 0).padStart(3);
  return `${pct(received)} ${max5(total)}  ${pct(received)} ${max5(received)}    0     0  ${max5(rate)}      0 --:--:-- --:--:-- --:--:-- ${max5(rate)}`;
}

const zero = "  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0";

/** What the meter writes as a transfer starts: its header and a first, empty line. */
export function meterStart(): string {
  return `${header}\r${zero}`;
}

/** What the meter writes as a transfer ends, after `bytes` (0 when it failed) in about `ms`. */
export function meterEnd(bytes: number, ms: number): string {
  if (bytes === 0) return `\r${zero}\n`;
  return `\r${line(bytes, bytes, (bytes * 1000) / Math.max(ms, 0.5))}\n`;
}
