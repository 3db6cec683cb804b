import { formatDate } from "./date.ts";
import { definePodCommand, ok } from "./define.ts";

/**
 * `ps`: the container's processes — its main process as PID 1, then what `kubectl exec` runs.
 * Plain `ps` prints procps's default columns; `ps aux`/`-ef` the long forms.
 */
export const ps = definePodCommand("ps", async (args, _ctx, world) => {
  const now = world.clock.nowMs;
  const long = args.some((a) => /^-?[a-z]*[aefx]/.test(a));
  const user = world.container.securityContext?.runAsUser
    ? String(world.container.securityContext.runAsUser)
    : "root";
  const time = (started: number) => {
    const s = Math.floor(Math.max(0, now - started) / 100_000);
    return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  };
  if (args.some((a) => a === "aux" || a === "-aux" || (/^a?u?x$/.test(a) && a.includes("u")))) {
    const lines = world.processes.map(
      (p) =>
        `${user.padEnd(8)} ${String(p.pid).padStart(6)}  0.0  0.0   4364  3328 ?        Ss   ${formatDate(p.startedMs, "%H:%M")}   0:00 ${p.argv.join(" ")}`,
    );
    return ok(
      `USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n${lines.join("\n")}\n`,
    );
  }
  if (long) {
    const lines = world.processes.map(
      (p) =>
        `${user.padEnd(8)} ${String(p.pid).padStart(6)} ${String(p.pid === 1 ? 0 : 1).padStart(6)}  0 ${formatDate(p.startedMs, "%H:%M")} ?        ${time(p.startedMs)} ${p.argv.join(" ")}`,
    );
    return ok(`UID          PID    PPID  C STIME TTY          TIME CMD\n${lines.join("\n")}\n`);
  }
  const lines = world.processes.map(
    (p) => `${String(p.pid).padStart(7)} ?        ${time(p.startedMs)} ${(p.argv[0] ?? "").split("/").pop()}`,
  );
  return ok(`    PID TTY          TIME CMD\n${lines.join("\n")}\n`);
});
