import type { PodNetwork } from "../context.ts";
import { resolveName } from "../dns.ts";
import { answersPing } from "../route.ts";
import type { CommandIO, CommandResult } from "./types.ts";

/**
 * ping, BusyBox's or iputils': pods and nodes answer, ClusterIPs do not (they are rules, not
 * hosts), a packet a second on the virtual clock; without -c it pings until the evaluation's
 * horizon. Exit 0 when any reply came, 1 when none, 2 for a bad address (iputils).
 */

/** More packets than this is a runaway: it stops as if interrupted. */
const maxPackets = 100_000;

function rtt(ip: string, seq: number): number {
  let h = seq * 7919;
  for (const c of ip) h = (h * 31 + c.charCodeAt(0)) % 1000;
  return 0.04 + (h % 60) / 1000;
}

export async function ping(args: string[], io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  const busybox = io.flavor === "busybox";
  let count: number | null = null;
  let deadline: number | null = null;
  let quiet = false;
  let host = "";
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-c") count = Number(args[++i]);
    else if (a.startsWith("-c")) count = Number(a.slice(2));
    else if (a === "-w") deadline = Number(args[++i]);
    else if (a === "-W" || a === "-i" || a === "-s" || a === "-t" || a === "-I") i++;
    else if (a === "-q") quiet = true;
    else if (!a.startsWith("-")) host = a;
  }
  if (!host)
    return busybox
      ? {
          stdout: "",
          stderr:
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n",
          exitCode: 1,
        }
      : { stdout: "", stderr: "ping: usage error: Destination address required\n", exitCode: 1 };
  const answer = resolveName(net.world, net.self, host);
  const ip = answer?.ips[0];
  if (!ip)
    return busybox
      ? { stdout: "", stderr: `ping: bad address '${host}'\n`, exitCode: 1 }
      : { stdout: "", stderr: `ping: ${host}: Name or service not known\n`, exitCode: 2 };
  const replies = answersPing(net.world, net.origin, ip);
  const limit = Math.min(count ?? (deadline !== null ? deadline : maxPackets), maxPackets);
  const display = answer.local || ip === host ? ip : host;
  let out = busybox
    ? `PING ${display} (${ip}): 56 data bytes\n`
    : `PING ${display} (${ip}) 56(84) bytes of data.\n`;
  const times: number[] = [];
  let sent = 0;
  for (let seq = 0; seq < limit; seq++) {
    sent++;
    if (replies) {
      const t = rtt(ip, seq);
      times.push(t);
      if (!quiet)
        out += busybox
          ? `64 bytes from ${ip}: seq=${seq} ttl=64 time=${t.toFixed(3)} ms\n`
          : `64 bytes from ${display === ip ? ip : `${display} (${ip})`}: icmp_seq=${seq + 1} ttl=64 time=${t.toFixed(3)} ms\n`;
    }
    if (seq + 1 < limit && !(await net.clock.sleep(1000))) return { stdout: out, stderr: "", exitCode: 0 };
  }
  const loss = Math.round(((sent - times.length) * 100) / Math.max(sent, 1));
  const min = Math.min(...times);
  const max = Math.max(...times);
  const avg = times.reduce((s, t) => s + t, 0) / Math.max(times.length, 1);
  out += busybox
    ? `\n--- ${display} ping statistics ---\n${sent} packets transmitted, ${times.length} packets received, ${loss}% packet loss\n`
    : `\n--- ${display} ping statistics ---\n${sent} packets transmitted, ${times.length} received, ${loss}% packet loss, time ${Math.max(sent - 1, 0) * 1000 + 3}ms\n`;
  if (times.length)
    out += busybox
      ? `round-trip min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms\n`
      : `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${((max - min) / 2).toFixed(3)} ms\n`;
  return { stdout: out, stderr: "", exitCode: times.length ? 0 : 1 };
}
