import type { PodNetwork } from "../context.ts";
import { connect, exchange } from "../conversation.ts";
import { resolveName } from "../dns.ts";
import { kernelConnectTimeoutMs } from "../http-client.ts";
import type { CommandIO, CommandResult } from "./types.ts";

/**
 * nc, BusyBox's or OpenBSD's: `-z` probes a port, otherwise stdin is sent and what the server
 * answers is printed (the server closing, or stdin's end, ends it); -v says what happened, -w
 * bounds the connect. `-l` listens, which here means waiting until the evaluation's horizon.
 */
export async function nc(args: string[], io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  const busybox = io.flavor === "busybox";
  let zero = false;
  let verbose = false;
  let listen = false;
  let waitMs: number | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (/^-[a-zA-Z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === "z") zero = true;
        else if (c === "v") verbose = true;
        else if (c === "l") listen = true;
        else if (c === "w" || c === "q" || c === "p" || c === "i") {
          const v = args[++i];
          if (c === "w" && v !== undefined) waitMs = Number(v) * 1000;
          if (c === "p" && v !== undefined) rest.push(v);
        }
      }
    } else rest.push(a);
  }
  if (listen) {
    while (await net.clock.sleep(3_600_000)) {}
    return { stdout: "", stderr: "", exitCode: 0 };
  }
  const [host, portText] = rest;
  if (!host || !portText)
    return busybox
      ? {
          stdout: "",
          stderr:
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n",
          exitCode: 1,
        }
      : {
          stdout: "",
          stderr: "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n",
          exitCode: 1,
        };
  const port = Number(portText);
  const ip = resolveName(net.world, net.self, host)?.ips[0];
  if (!ip)
    return {
      stdout: "",
      stderr: busybox
        ? `nc: bad address '${host}'\n`
        : `nc: getaddrinfo for host "${host}" port ${port}: Name or service not known\n`,
      exitCode: 1,
    };
  const open = await connect(net, ip, port);
  const failed = (reason: string) => ({
    stdout: "",
    stderr: busybox
      ? `nc: ${host} (${ip}:${port}): ${reason}\n`
      : `nc: connect to ${host} port ${port} (tcp) failed: ${reason}\n`,
    exitCode: 1,
  });
  if (open.kind === "refused") return failed("Connection refused");
  if (open.kind === "unreachable") {
    await net.clock.sleep(waitMs ?? kernelConnectTimeoutMs);
    return failed("Connection timed out");
  }
  const said = verbose
    ? busybox
      ? `${host} (${ip}:${port}) open\n`
      : `Connection to ${host} (${ip}) ${port} port [tcp/*] succeeded!\n`
    : "";
  if (zero) return { stdout: "", stderr: said, exitCode: 0 };
  const { received } = await exchange(open, io.stdin, true);
  return { stdout: received, stderr: said, exitCode: 0 };
}
