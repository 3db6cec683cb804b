import type { MountInfo } from "../world.ts";
import { definePodCommand, fail, ok } from "./define.ts";

/** `df` and `mount` over the container's mounts (world.mounts): secrets show as tmpfs, with a size. */

function human(bytes: number): string {
  const units = ["", "K", "M", "G", "T"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return String(Math.round(v));
  return v < 10 ? `${(Math.ceil(v * 10) / 10).toFixed(1)}${units[i]}` : `${Math.ceil(v)}${units[i]}`;
}

function pct(m: MountInfo): string {
  return m.sizeBytes ? `${Math.ceil((m.usedBytes / m.sizeBytes) * 100)}%` : "-";
}

export const df = definePodCommand("df", async (args, _ctx, world) => {
  let h = false;
  let showType = false;
  const types: string[] = [];
  const excluded: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-h" || a === "--human-readable" || a === "-H") h = true;
    else if (a === "-T" || a === "--print-type") showType = true;
    else if (a === "-t" || a === "--type") types.push(args[++i] ?? "");
    else if (a.startsWith("--type=")) types.push(a.slice(7));
    else if (a.startsWith("-t") && a.length > 2) types.push(a.slice(2));
    else if (a === "-x" || a === "--exclude-type") excluded.push(args[++i] ?? "");
    else if (a.startsWith("--exclude-type=")) excluded.push(a.slice(15));
    else if (/^-[hTkaPl]+$/.test(a)) {
      if (a.includes("h")) h = true;
      if (a.includes("T")) showType = true;
    } else if (a.startsWith("-")) return fail(`df: invalid option -- '${a.replace(/^-+/, "")}'\n`);
    else paths.push(a);
  }
  let mounts = world.mounts.filter(
    (m) => (!types.length || types.includes(m.type)) && !excluded.includes(m.type),
  );
  if (paths.length)
    mounts = paths.map(
      (p) =>
        [...world.mounts]
          .sort((a, b) => b.path.length - a.path.length)
          .find((m) => p === m.path || p.startsWith(m.path === "/" ? "/" : `${m.path}/`)) as MountInfo,
    );
  if (!mounts.length) return fail("df: no file systems processed\n");
  const size = (n: number) => (h ? human(n) : String(Math.ceil(n / 1024)));
  const rows = mounts.map((m) => [
    m.source,
    ...(showType ? [m.type] : []),
    size(m.sizeBytes),
    size(m.usedBytes),
    size(Math.max(0, m.sizeBytes - m.usedBytes)),
    pct(m),
    m.path,
  ]);
  const header = [
    "Filesystem",
    ...(showType ? ["Type"] : []),
    h ? "Size" : "1K-blocks",
    "Used",
    h ? "Avail" : "Available",
    "Use%",
    "Mounted on",
  ];
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] as string).length)));
  const text = all
    .map((r) =>
      r
        .map((cell, c) =>
          c === r.length - 1
            ? cell
            : c === 0 || (showType && c === 1)
              ? cell.padEnd(widths[c] as number)
              : cell.padStart(widths[c] as number),
        )
        .join(" "),
    )
    .join("\n");
  return ok(`${text}\n`);
});

export const mount = definePodCommand("mount", async (args, _ctx, world) => {
  if (args.some((a) => !a.startsWith("-"))) return fail("mount: only root can do that\n", 32);
  const lines = world.mounts.map(
    (m) =>
      `${m.source} on ${m.path} type ${m.type} (${m.readOnly ? "ro" : "rw"},relatime${m.type === "tmpfs" ? `,size=${Math.ceil(m.sizeBytes / 1024)}k` : ""})`,
  );
  return ok(`${lines.join("\n")}\n`);
});
