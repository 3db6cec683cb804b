/**
 * Go's duration.HumanDuration, which kubectl's AGE column prints: "45s", "3m20s", "2h5m", "6d",
 * coarser the older it gets.
 */
export function humanDuration(ms: number): string {
  // Go truncates toward zero: -1.5 s is -1 s, which still counts as "now".
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    const years = Math.floor(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** The AGE cell of an object: time since its creationTimestamp, or "<unknown>". */
export function age(creationTimestamp: unknown, now: number): string {
  if (typeof creationTimestamp !== "string") return "<unknown>";
  const t = Date.parse(creationTimestamp);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now - t);
}
