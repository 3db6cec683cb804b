import { readFile } from "node:fs/promises";

/** The machine's CPU time so far, all cores together, in ms: busy and in all; null off Linux. */
export interface CpuTime {
  busyMs: number;
  totalMs: number;
}

/** Reads /proc/stat's first line (USER_HZ ticks; 100 per second on Linux). */
export async function machineCpuTime(): Promise<CpuTime | null> {
  const stat = await readFile("/proc/stat", "utf8").catch(() => null);
  const fields = stat?.split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 5 || fields.some(Number.isNaN)) return null;
  const ticks = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busyMs: (ticks - idle) * 10, totalMs: ticks * 10 };
}

/**
 * How busy the whole machine was between two readings (Postgres, the service and the bench
 * client together, which share it), and its CPU time per unit of work done in between.
 */
export function cpuBetween(
  before: CpuTime | null,
  after: CpuTime | null,
  units: number,
): { machineBusyPercent: number; cpuMsPerUnit: number } | null {
  if (!before || !after || after.totalMs <= before.totalMs) return null;
  const busy = after.busyMs - before.busyMs;
  return {
    machineBusyPercent: Math.round((busy / (after.totalMs - before.totalMs)) * 100),
    cpuMsPerUnit: Math.round((busy / units) * 10) / 10,
  };
}
