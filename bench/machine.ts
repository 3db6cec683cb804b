import { readdir, readFile } from "node:fs/promises";

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
  return (await procStat(pid))?.ownMs ?? null;
}

/**
 * How long a process's threads have waited, runnable, for a CPU (ms), from each thread's
 * /proc/<pid>/task/<tid>/schedstat; null off Linux or once it is gone. What a busy machine, not
 * the process's own work, adds to its latencies.
 */
export async function processRunQueueMs(pid: number): Promise<number | null> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => null);
  if (!tasks) return null;
  let waitedNs = 0;
  for (const tid of tasks) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => null);
    waitedNs += Number(stat?.split(" ")[1] ?? 0);
  }
  return waitedNs / 1e6;
}

/**
 * A process's parent pid and its CPU time (its own, and that of its children it has reaped),
 * from /proc/<pid>/stat; or one of its threads' (its main thread's tid is its pid), from
 * /proc/<pid>/task/<tid>/stat, which reads the same. Null off Linux or once it is gone.
 */
export async function procStat(
  pid: number,
  thread?: number,
): Promise<{ ppid: number; ownMs: number; reapedMs: number } | null> {
  const dir = thread === undefined ? `/proc/${pid}` : `/proc/${pid}/task/${thread}`;
  const stat = await readFile(`${dir}/stat`, "utf8").catch(() => null);
  if (!stat) return null;
  // The command name (field 2) may hold spaces; the fields after it are counted from its ')'.
  const f = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const [ppid, user, system, childUser, childSystem] = [f[1], f[11], f[12], f[13], f[14]];
  if ([ppid, user, system, childUser, childSystem].some((n) => n === undefined || Number.isNaN(n)))
    return null;
  return {
    ppid: ppid as number,
    ownMs: ((user as number) + (system as number)) * 10,
    reapedMs: ((childUser as number) + (childSystem as number)) * 10,
  };
}

/**
 * The CPU time so far of a process and all its descendants, those already exited and reaped
 * included (a Postgres server's backends come and go): null off Linux or once it is gone.
 */
export async function processTreeCpuMs(rootPid: number): Promise<number | null> {
  const pids = (await readdir("/proc").catch(() => [] as string[]))
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const stats = new Map<number, { ppid: number; ownMs: number; reapedMs: number }>();
  for (const pid of pids) {
    const st = await procStat(pid);
    if (st) stats.set(pid, st);
  }
  const root = stats.get(rootPid);
  if (!root) return null;
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === rootPid) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let ms = root.reapedMs;
  for (const [pid, st] of stats) if (inTree(pid)) ms += st.ownMs;
  return ms;
}

/** How many write and read system calls a process has made so far (/proc/<pid>/io): its round trips. */
async function syscallCounts(pid: number): Promise<{ writes: number; reads: number } | null> {
  const io = await readFile(`/proc/${pid}/io`, "utf8").catch(() => null);
  const field = (name: string) => Number(io?.match(new RegExp(`^${name}: (\\d+)$`, "m"))?.[1] ?? Number.NaN);
  const counts = { writes: field("syscw"), reads: field("syscr") };
  return Number.isNaN(counts.writes + counts.reads) ? null : counts;
}

/**
 * Runs `work` (which returns how many units it did) and says where the CPU went per unit: the
 * service's process, the bench database's Postgres (its server process and backends, when
 * `postgresPid` names it), this bench client, and the rest of the machine (anything else running).
 */
export async function cpuSplit(
  servicePid: number,
  work: () => Promise<number>,
  postgresPid: number | null = null,
): Promise<{ units: number; split: Record<string, number> | null }> {
  const machineBefore = await machineCpuTime();
  const serviceBefore = await processCpuMs(servicePid);
  const mainThreadBefore = (await procStat(servicePid, servicePid))?.ownMs ?? null;
  const callsBefore = await syscallCounts(servicePid);
  const postgresBefore = postgresPid ? await processTreeCpuMs(postgresPid) : null;
  const clientBefore = process.cpuUsage();
  const units = await work();
  const client = process.cpuUsage(clientBefore);
  const postgresAfter = postgresPid ? await processTreeCpuMs(postgresPid) : null;
  const serviceAfter = await processCpuMs(servicePid);
  const mainThreadAfter = (await procStat(servicePid, servicePid))?.ownMs ?? null;
  const callsAfter = await syscallCounts(servicePid);
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
  const postgresMs =
    postgresBefore !== null && postgresAfter !== null ? postgresAfter - postgresBefore : null;
  const busyMs = machineAfter.busyMs - machineBefore.busyMs;
  return {
    units,
    split: {
      machineBusyPercent: machine.machineBusyPercent,
      // The same without this client's share: the load a server machine would carry, its users'
      // clients (here the bench, TLS and watches included) running elsewhere.
      machineBusyPercentWithoutBenchClient: Math.round(
        ((busyMs - clientMs) / (machineAfter.totalMs - machineBefore.totalMs)) * 100,
      ),
      cpuMsPerUnit: machine.cpuMsPerUnit,
      serviceMsPerUnit: perUnit(serviceMs),
      // Of which its main thread (the API and the controllers' jobs); the rest is V8's compiler
      // threads and libuv's pool.
      ...(mainThreadBefore !== null && mainThreadAfter !== null
        ? { serviceMainThreadMsPerUnit: perUnit(mainThreadAfter - mainThreadBefore) }
        : {}),
      benchClientMsPerUnit: perUnit(clientMs),
      ...(postgresMs !== null
        ? {
            postgresMsPerUnit: perUnit(postgresMs),
            // What a server spends per unit: the service and its Postgres.
            serverMsPerUnit: perUnit(serviceMs + postgresMs),
            // Service, Postgres and client: the unit's own cost, whatever else the machine runs.
            ownMsPerUnit: perUnit(serviceMs + postgresMs + clientMs),
            otherMsPerUnit: perUnit(busyMs - serviceMs - postgresMs - clientMs),
          }
        : // From the machine's own busy time, not its per-unit figure (rounded to 0.1 ms).
          { restMsPerUnit: perUnit(busyMs - serviceMs - clientMs) }),
      // The service's socket writes and reads per unit (Postgres and its clients): round trips.
      ...(callsBefore && callsAfter
        ? {
            serviceWriteCallsPerUnit: perUnit(callsAfter.writes - callsBefore.writes),
            serviceReadCallsPerUnit: perUnit(callsAfter.reads - callsBefore.reads),
          }
        : {}),
    },
  };
}
