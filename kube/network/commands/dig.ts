import type { PodNetwork } from "../context.ts";
import { dnsServerIP, lookupFQDN, resolveName, reverseName } from "../dns.ts";
import type { CommandIO, CommandResult } from "./types.ts";

/**
 * dig (BIND 9.18) against the cluster's DNS: A records of a name (absolute unless +search),
 * `-x` reverse lookups, `+short`; NOERROR or NXDOMAIN in the header, exit 0 either way.
 */

const version = "9.18.30";

function idOf(name: string): number {
  let h = 7;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 65536;
  return h;
}

function whenOf(ms: number): string {
  const d = new Date(ms);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
    d.getUTCMonth()
  ];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${day} ${month} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** dig [@server] [-x addr] name [A] [+short] [+search] */
export async function dig(args: string[], _io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  const short = args.includes("+short");
  const search = args.includes("+search");
  let server = dnsServerIP;
  let name = "";
  let reverse = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith("@")) server = a.slice(1);
    else if (a === "-x") reverse = true;
    else if (a.startsWith("+") || a.startsWith("-") || /^(A|AAAA|IN|SRV|CNAME|PTR|ANY)$/i.test(a)) continue;
    else name = a;
  }
  if (!name) name = ".";
  let qname = name.endsWith(".") ? name : `${name}.`;
  let type = "A";
  let records: string[] = [];
  if (reverse) {
    type = "PTR";
    qname = `${name.split(".").reverse().join(".")}.in-addr.arpa.`;
    const ptr = reverseName(net.world, name);
    if (ptr) records = [`${qname}\t30\tIN\tPTR\t${ptr}.`];
  } else {
    const answer = search
      ? resolveName(net.world, net.self, name)
      : (() => {
          const a = lookupFQDN(net.world, name.replace(/\.$/, ""));
          return a ? { ...a, local: false } : null;
        })();
    if (answer && !answer.local) {
      qname = `${answer.name}.`;
      if (answer.cname) records.push(`${qname}\t30\tIN\tCNAME\t${answer.cname}.`);
      for (const ip of answer.ips)
        records.push(`${answer.cname ? `${answer.cname}.` : qname}\t30\tIN\tA\t${ip}`);
    }
  }
  if (short)
    return { stdout: records.map((r) => `${r.split("\t").pop()}\n`).join(""), stderr: "", exitCode: 0 };
  const status = records.length ? "NOERROR" : "NXDOMAIN";
  const out = [
    "",
    `; <<>> DiG ${version} <<>> ${args.join(" ")}`,
    ";; global options: +cmd",
    ";; Got answer:",
    `;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: ${idOf(qname)}`,
    `;; flags: qr aa rd; QUERY: 1, ANSWER: ${records.length}, AUTHORITY: ${records.length ? 0 : 1}, ADDITIONAL: 1`,
    ";; WARNING: recursion requested but not available",
    "",
    ";; OPT PSEUDOSECTION:",
    "; EDNS: version: 0, flags:; udp: 1232",
    ";; QUESTION SECTION:",
    `;${qname}\t\tIN\t${type}`,
    "",
    ...(records.length
      ? [";; ANSWER SECTION:", ...records, ""]
      : [
          ";; AUTHORITY SECTION:",
          "cluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1765090000 7200 1800 86400 30",
          "",
        ]),
    ";; Query time: 0 msec",
    `;; SERVER: ${server}#53(${server}) (UDP)`,
    `;; WHEN: ${whenOf(net.clock.now())}`,
    `;; MSG SIZE  rcvd: ${60 + qname.length * 2}`,
    "",
    "",
  ];
  return { stdout: out.join("\n"), stderr: "", exitCode: 0 };
}
