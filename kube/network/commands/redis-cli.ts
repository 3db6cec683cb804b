import type { PodNetwork } from "../context.ts";
import { connect, exchange } from "../conversation.ts";
import { resolveName } from "../dns.ts";
import type { CommandIO, CommandResult } from "./types.ts";

/**
 * redis-cli (in the redis image): `-h`, `-p`, a command from its arguments, or one per line of
 * stdin; replies printed as redis-cli prints them when its output is not a terminal.
 */

function resp(words: string[]): string {
  return `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join("")}`;
}

/** Reads one reply; returns the printed text and the bytes used, or null when incomplete. */
function readReply(data: string): { text: string; used: number } | null {
  const eol = data.indexOf("\r\n");
  if (eol === -1) return null;
  const kind = data[0];
  const line = data.slice(1, eol);
  if (kind === "+") return { text: line, used: eol + 2 };
  if (kind === "-") return { text: `(error) ${line}`, used: eol + 2 };
  if (kind === ":") return { text: `(integer) ${line}`, used: eol + 2 };
  if (kind === "$") {
    const n = Number(line);
    if (n < 0) return { text: "(nil)", used: eol + 2 };
    if (data.length < eol + 2 + n + 2) return null;
    return { text: data.slice(eol + 2, eol + 2 + n), used: eol + 2 + n + 2 };
  }
  if (kind === "*") {
    let used = eol + 2;
    const items: string[] = [];
    for (let i = 0; i < Number(line); i++) {
      const item = readReply(data.slice(used));
      if (!item) return null;
      items.push(item.text);
      used += item.used;
    }
    return { text: items.length ? items.join("\n") : "(empty array)", used };
  }
  return { text: data.slice(0, eol), used: eol + 2 };
}

export async function redisCli(args: string[], io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  let host = "127.0.0.1";
  let port = 6379;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-h") host = args[++i] ?? host;
    else if (a === "-p") port = Number(args[++i] ?? port);
    else if (a === "-a" || a === "-n" || a === "--user" || a === "--pass") i++;
    else words.push(a);
  }
  const commands = words.length
    ? [words]
    : io.stdin
        .split("\n")
        .map((l) => l.trim().split(/\s+/).filter(Boolean))
        .filter((w) => w.length);
  const ip = resolveName(net.world, net.self, host)?.ips[0];
  const cannot = (why: string) => ({
    stdout: "",
    stderr: `Could not connect to Redis at ${host}:${port}: ${why}\n`,
    exitCode: 1,
  });
  if (!ip) return cannot("Name or service not known");
  const open = await connect(net, ip, port);
  if (open.kind === "refused") return cannot("Connection refused");
  if (open.kind === "unreachable") {
    await net.clock.sleep(130_000);
    return cannot("Connection timed out");
  }
  if (!commands.length) return { stdout: "", stderr: "", exitCode: 0 };
  const { received } = await exchange(open, commands.map(resp).join(""), false);
  let rest = received;
  let stdout = "";
  for (let i = 0; i < commands.length && rest.length; i++) {
    const reply = readReply(rest);
    if (!reply) break;
    stdout += `${reply.text}\n`;
    rest = rest.slice(reply.used);
  }
  return { stdout, stderr: "", exitCode: 0 };
}
