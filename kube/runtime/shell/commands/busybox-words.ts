import { toolFlavor } from "../dialect.ts";
import { definePodCommand, type PodCommand } from "./define.ts";

/**
 * touch, mkdir and rm in BusyBox's words where a write is refused (a read-only mount, a full
 * disk): just-bash's tools say GNU coreutils' (`touch: cannot touch 'P': Read-only file
 * system`), BusyBox says `touch: P: Read-only file system`, `mkdir: can't create directory
 * 'P': …`, `rm: can't remove 'P': …`. In other images, and for other failures, the tool's own
 * words stand.
 */

const refused = "(Read-only file system|No space left on device)";

const busyboxWords: [name: string, gnu: RegExp, busybox: string][] = [
  ["touch", new RegExp(`^touch: cannot touch '(.*)': ${refused}$`, "gm"), "touch: $1: $2"],
  [
    "mkdir",
    new RegExp(`^mkdir: cannot create directory '(.*)': ${refused}$`, "gm"),
    "mkdir: can't create directory '$1': $2",
  ],
  ["rm", new RegExp(`^rm: cannot remove '(.*)': ${refused}$`, "gm"), "rm: can't remove '$1': $2"],
];

/** The tools, each running just-bash's own and rewording its refusals in BusyBox images. */
export const busyboxWordedTools: PodCommand[] = busyboxWords.map(([name, gnu, busybox]) =>
  definePodCommand(name, async (args, ctx, world) => {
    if (!ctx.origCommand) return { stdout: "", stderr: `${name}: not found\n`, exitCode: 127 };
    const r = await ctx.origCommand(args);
    if (toolFlavor(world.container.image ?? "") !== "busybox" || !r.stderr) return r;
    return { ...r, stderr: r.stderr.replace(gnu, busybox) };
  }),
);
