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

/** A process's CPU time so far (user and system), in ms, from /proc; null off Linux or once gone. */
export async function processCpuMs(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  // The command name (field 2) may hold spaces; the fields after it are counted from its ')'.
  const fields = stat
    ?.slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const user = fields?.[11];
  const system = fields?.[12];
  if (user === undefined || system === undefined || Number.isNaN(user + system)) return null;
  return (user + system) * 10;
}

/**
 * Runs `work` (which returns how many units it did) and says where the machine's CPU went per
 * unit: the service's process, this bench client, and the rest (Postgres, mostly).
 */
export async function cpuSplit(
  servicePid: number,
  work: () => Promise<number>,
): Promise<{ units: number; split: Record<string, number> | null }> {
  const machineBefore = await machineCpuTime();
  const serviceBefore = await processCpuMs(servicePid);
  const clientBefore = process.cpuUsage();
  const units = await work();
  const client = process.cpuUsage(clientBefore);
  const serviceAfter = await processCpuMs(servicePid);
  const machineAfter = await machineCpuTime();
  const machine = cpuBetween(machineBefore, machineAfter, units);
  if (
    !machine ||
    !machineBefore ||
    !machineAfter ||
    serviceBefore === null ||
    serviceAfter === null ||
    !units
  )
    return { units, split: null };
  const perUnit = (ms: number) => Math.round((ms / units) * 100) / 100;
  const serviceMs = serviceAfter - serviceBefore;
  const clientMs = (client.user + client.system) / 1000;
  return {
    units,
    split: {
      machineBusyPercent: machine.machineBusyPercent,
      cpuMsPerUnit: machine.cpuMsPerUnit,
      serviceMsPerUnit: perUnit(serviceMs),
      benchClientMsPerUnit: perUnit(clientMs),
      // From the machine's own busy time, not its per-unit figure (rounded to 0.1 ms).
      restMsPerUnit: perUnit(machineAfter.busyMs - machineBefore.busyMs - serviceMs - clientMs),
    },
  };
}
