import { definePodCommand, ok } from "./define.ts";
import { quote } from "./programs.ts";

/**
 * `env`: the exported variables, as the process's children inherit them (just-bash's own
 * prints the shell's variables too); with NAME=value words and a command, runs it with them.
 */
export const env = definePodCommand("env", async (args, ctx) => {
  const exported = ctx.exportedEnv ?? Object.fromEntries(ctx.env);
  let i = 0;
  let clear = false;
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-i" || a === "-" || a === "--ignore-environment") clear = true;
    else if (a === "-u" || a === "--unset") unset.push(args[++i] ?? "");
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a))
      set[a.slice(0, a.indexOf("="))] = a.slice(a.indexOf("=") + 1);
    else if (a === "--") {
      i++;
      break;
    } else break;
  }
  const vars: Record<string, string> = { ...(clear ? {} : exported), ...set };
  for (const u of unset) delete vars[u];
  const rest = args.slice(i);
  if (!rest.length)
    return ok(
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
  // Exported, so that the command (a shell, say) sees them as its environment.
  const exports = Object.entries(vars)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${quote([v])}; `)
    .join("");
  const unsets = clear ? "" : unset.map((u) => `unset ${quote([u])}; `).join("");
  const r = await ctx.exec?.(`${unsets}${exports}${quote(rest)}`, { cwd: ctx.cwd });
  return r ?? ok();
});
