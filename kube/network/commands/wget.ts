import type { PodNetwork } from "../context.ts";
import { fetchOverNetwork } from "../http-client.ts";
import { type CommandIO, type CommandResult, pathFrom } from "./types.ts";

/**
 * BusyBox wget (busybox, alpine): -q, -O file (`-O-` to stdout), -T seconds, -S, --spider,
 * --header, --post-data, -U; its progress line and messages on stderr, exit 1 on any failure.
 */

interface WgetOptions {
  urls: string[];
  quiet: boolean;
  output: string | null;
  timeoutMs: number | null;
  serverResponse: boolean;
  spider: boolean;
  headers: string[];
  postData: string | null;
  userAgent: string;
}

const usage =
  "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n";

function parse(args: string[]): WgetOptions | null {
  const o: WgetOptions = {
    urls: [],
    quiet: false,
    output: null,
    timeoutMs: null,
    serverResponse: false,
    spider: false,
    headers: [],
    postData: null,
    userAgent: "Wget",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const value = (inline: string) => (inline !== "" ? inline : args[++i]);
    if (a === "--spider") o.spider = true;
    else if (a === "--quiet") o.quiet = true;
    else if (a.startsWith("--header")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v === undefined) return null;
      o.headers.push(v);
    } else if (a.startsWith("--post-data")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v === undefined) return null;
      o.postData = v;
    } else if (
      a.startsWith("--output-document") ||
      a.startsWith("--timeout") ||
      a.startsWith("--user-agent")
    ) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v === undefined) return null;
      if (a.startsWith("--output-document")) o.output = v;
      else if (a.startsWith("--timeout")) o.timeoutMs = Number(v) * 1000;
      else o.userAgent = v;
    } else if (a.startsWith("-") && a.length > 1 && !a.startsWith("--")) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "q") o.quiet = true;
        else if (c === "S") o.serverResponse = true;
        else if (c === "c" || c === "s") continue;
        else if (c === "O" || c === "T" || c === "U" || c === "Y" || c === "P" || c === "o") {
          const v = value(a.slice(j + 1));
          if (v === undefined) return null;
          if (c === "O") o.output = v;
          else if (c === "T") o.timeoutMs = Number(v) * 1000;
          else if (c === "U") o.userAgent = v;
          break;
        } else return null;
      }
    } else o.urls.push(a);
  }
  return o;
}

function bar(name: string, bytes: number): string {
  return `${name.padEnd(20).slice(0, 20)} 100% |********************************| ${String(bytes).padStart(5)}  0:00:00 ETA\n`;
}

/** wget [options] URL... */
export async function wget(args: string[], io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  const o = parse(args);
  if (!o?.urls.length) return { stdout: "", stderr: usage, exitCode: 1 };
  let stdout = "";
  let stderr = "";
  const fail = (message: string) => ({ stdout, stderr: `${stderr}wget: ${message}\n`, exitCode: 1 });
  for (const raw of o.urls) {
    let url: URL;
    try {
      url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
    } catch {
      return fail(`bad address '${raw}'`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return fail(`not an http or ftp url: ${raw}`);
    const headers: [string, string][] = [
      ["Host", url.host],
      ["User-Agent", o.userAgent],
      ...o.headers.flatMap((h): [string, string][] => {
        const c = h.indexOf(":");
        return c === -1 ? [] : [[h.slice(0, c).trim(), h.slice(c + 1).trim()]];
      }),
    ];
    if (o.postData !== null)
      headers.push(
        ["Content-Type", "application/x-www-form-urlencoded"],
        ["Content-Length", String(o.postData.length)],
      );
    headers.push(["Connection", "close"]);
    const result = await fetchOverNetwork(net, {
      url,
      method: o.spider ? "HEAD" : o.postData !== null ? "POST" : "GET",
      headers,
      body: o.postData ?? "",
      connectTimeoutMs: o.timeoutMs ?? 900_000,
    });
    if (result.kind === "unresolved") return fail(`bad address '${url.hostname}'`);
    if (!o.quiet) stderr += `Connecting to ${url.host} (${result.ip}:${result.port})\n`;
    if (result.kind === "refused")
      return fail(`can't connect to remote host (${result.ip}): Connection refused`);
    if (result.kind === "timeout") return fail("download timed out");
    if (result.kind === "tls") return fail("error getting response: Connection reset by peer");
    if (result.kind === "empty" || result.kind === "not-http") return fail("error getting response");
    const res = result.response;
    if (o.serverResponse)
      stderr += `  ${res.version ?? "HTTP/1.1"} ${res.status} ${res.reason}\n${res.headers.map(([n, v]) => `  ${n}: ${v}\n`).join("")}`;
    if (res.status >= 400)
      return fail(`server returned error: ${res.version ?? "HTTP/1.1"} ${res.status} ${res.reason}`);
    if (o.spider) {
      if (!o.quiet) stderr += "remote file exists\n";
      continue;
    }
    const name = o.output ?? (url.pathname.split("/").pop() || "index.html");
    if (name === "-") {
      if (!o.quiet) stderr += `writing to stdout\n${bar("-", res.body.length)}written to stdout\n`;
      stdout += res.body;
      continue;
    }
    if (!o.quiet) stderr += `saving to '${name}'\n`;
    if (!io.writeFile) return fail(`can't open '${name}': Read-only file system`);
    await io.writeFile(pathFrom(io.cwd, name), res.body);
    if (!o.quiet) stderr += `${bar(name, res.body.length)}'${name}' saved\n`;
  }
  return { stdout, stderr, exitCode: 0 };
}
