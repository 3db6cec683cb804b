import type { PodNetwork } from "../context.ts";
import { dnsServerIP, resolveName, reverseName } from "../dns.ts";
import type { CommandIO, CommandResult } from "./types.ts";

/**
 * nslookup against the cluster's DNS (kube-dns at 10.96.0.10), in BusyBox's words or BIND's:
 * names through the pod's search path, IPs as reverse lookups, NXDOMAIN with exit 1.
 */
export async function nslookup(args: string[], io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  const names = args.filter((a) => !a.startsWith("-"));
  const name = names[0];
  const busybox = io.flavor === "busybox";
  if (!name)
    return busybox
      ? {
          stdout: "",
          stderr:
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n",
          exitCode: 1,
        }
      : { stdout: "", stderr: "", exitCode: 0 };
  const server = names[1] ?? dnsServerIP;
  const head = busybox
    ? `Server:\t\t${server}\nAddress:\t${server}:53\n\n`
    : `Server:\t\t${server}\nAddress:\t${server}#53\n\n`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    const ptr = reverseName(net.world, name);
    const arpa = `${name.split(".").reverse().join(".")}.in-addr.arpa`;
    if (!ptr) return { stdout: `${head}** server can't find ${arpa}: NXDOMAIN\n\n`, stderr: "", exitCode: 1 };
    return { stdout: `${head}${arpa}\tname = ${ptr}${busybox ? "" : "."}\n\n`, stderr: "", exitCode: 0 };
  }
  const answer = resolveName(net.world, net.self, name);
  if (!answer || (answer.local && !answer.ips.length)) {
    const shown =
      busybox && !name.includes(".") ? `${name}.${net.self?.namespace ?? "default"}.svc.cluster.local` : name;
    return { stdout: `${head}** server can't find ${shown}: NXDOMAIN\n\n`, stderr: "", exitCode: 1 };
  }
  let body = "";
  if (answer.cname) body += `${answer.name}\tcanonical name = ${answer.cname}.\n`;
  for (const ip of answer.ips) body += `Name:\t${answer.cname ?? answer.name}\nAddress: ${ip}\n`;
  if (answer.cname && !answer.ips.length)
    return {
      stdout: `${head}${body}** server can't find ${answer.cname}: NXDOMAIN\n\n`,
      stderr: "",
      exitCode: 1,
    };
  return { stdout: `${head}${body}\n`, stderr: "", exitCode: 0 };
}
