import { type HttpResponse, header as headerOf } from "../../runtime/servers/http-message.ts";
import type { PodNetwork } from "../context.ts";
import { type FetchResult, fetchOverNetwork } from "../http-client.ts";
import { type CurlOptions, parseCurlArgs } from "./curl-args.ts";
import { meterEnd, meterStart } from "./curl-progress.ts";
import { type CommandIO, type CommandResult, pathFrom } from "./types.ts";

/**
 * curl 8.5 (the version of Ubuntu 24.04 and the Debian-based images) over the simulated network:
 * its requests, its output (-s, -S, -v, -I, -i, -o, -w, -f, -L), its progress meter on stderr
 * when not silent, and its errors with their exit codes (6 unresolved host, 7 refused, 28 timed
 * out, 22 --fail, 52 empty reply).
 */

const version = "8.5.0";
/** How long an answered request takes on the pod network, for -w's times and the meter's rate. */
const transferMs = 1;

/** A transfer's numbers, for -w. */
interface Transfer {
  url: URL | null;
  status: number;
  ip: string;
  port: number;
  bytes: number;
  headerBytes: number;
  contentType: string;
  redirects: number;
  exitCode: number;
  error: string;
  method: string;
  ms: number;
}

function urlOf(raw: string): URL | null {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `http://${raw}`;
  try {
    return new URL(withScheme);
  } catch {
    return null;
  }
}

function requestHeaders(opts: CurlOptions, url: URL, body: string): [string, string][] {
  const headers: [string, string][] = [
    ["Host", url.host],
    ["User-Agent", opts.userAgent ?? `curl/${version}`],
    ["Accept", opts.json !== null ? "application/json" : "*/*"],
  ];
  if (opts.user) headers.push(["Authorization", `Basic ${Buffer.from(opts.user).toString("base64")}`]);
  if (opts.referer) headers.push(["Referer", opts.referer]);
  if (body || opts.data.length || opts.json !== null) {
    headers.push(["Content-Length", String(Buffer.byteLength(body))]);
    headers.push([
      "Content-Type",
      opts.json !== null ? "application/json" : "application/x-www-form-urlencoded",
    ]);
  }
  for (const h of opts.headers) {
    const colon = h.indexOf(":");
    const semi = h.indexOf(";");
    if (colon === -1 && semi === -1) continue;
    const name = (colon === -1 ? h.slice(0, semi) : h.slice(0, colon)).trim();
    const value = colon === -1 ? "" : h.slice(colon + 1).trim();
    const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (at !== -1) headers.splice(at, 1);
    if (value !== "" || colon === -1) headers.push([name, value]);
  }
  return headers;
}

function headText(res: HttpResponse): string {
  return `${res.version ?? "HTTP/1.1"} ${res.status} ${res.reason}\r\n${res.headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
}

/** The -w format with a transfer's variables and escapes filled in. */
export function writeOut(format: string, t: Transfer): string {
  const vars: Record<string, string> = {
    http_code: String(t.status).padStart(3, "0"),
    response_code: String(t.status).padStart(3, "0"),
    http_version: t.status ? "1.1" : "0",
    size_download: String(t.bytes),
    size_header: String(t.headerBytes),
    size_request: "0",
    size_upload: "0",
    time_total: (t.ms / 1000).toFixed(6),
    time_connect: t.status ? (t.ms / 4000).toFixed(6) : "0.000000",
    time_namelookup: "0.000100",
    time_starttransfer: t.status ? (t.ms / 2000).toFixed(6) : "0.000000",
    remote_ip: t.ip,
    remote_port: t.ip ? String(t.port) : "0",
    url_effective: t.url?.href ?? "",
    url: t.url?.href ?? "",
    content_type: t.contentType,
    num_redirects: String(t.redirects),
    exitcode: String(t.exitCode),
    errormsg: t.error,
    method: t.method,
    scheme: t.url ? t.url.protocol.replace(":", "").toUpperCase() : "",
    speed_download: String(Math.round((t.bytes * 1000) / Math.max(t.ms, 1))),
  };
  return format
    .replace(/%\{([a-z_]+)\}/g, (m, name: string) => vars[name] ?? m)
    .replace(/\\(.)/g, (_m, c: string) =>
      c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c === "\\" ? "\\" : `\\${c}`,
    )
    .replace(/%%/g, "%");
}

function failure(
  result: Exclude<FetchResult, { kind: "response" }>,
  host: string,
  opts: CurlOptions,
): [number, string] {
  switch (result.kind) {
    case "unresolved":
      return [6, `Could not resolve host: ${result.host}`];
    case "refused":
      return [7, `Failed to connect to ${host} port ${result.port} after 0 ms: Couldn't connect to server`];
    case "timeout":
      if (opts.connectTimeoutMs !== null)
        return [
          28,
          `Failed to connect to ${host} port ${result.port} after ${result.afterMs} ms: Timeout was reached`,
        ];
      if (opts.maxTimeMs !== null) return [28, `Connection timed out after ${result.afterMs} milliseconds`];
      return [
        7,
        `Failed to connect to ${host} port ${result.port} after ${result.afterMs} ms: Couldn't connect to server`,
      ];
    case "tls":
      return [35, "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number"];
    case "empty":
      return [52, "Empty reply from server"];
    case "not-http":
      return [1, "Received HTTP/0.9 when not allowed"];
  }
}

function verboseRequest(
  url: URL,
  ip: string,
  port: number,
  method: string,
  headers: [string, string][],
): string {
  return [
    `*   Trying ${ip}:${port}...`,
    `* Connected to ${url.hostname} (${ip}) port ${port}`,
    `> ${method} ${url.pathname}${url.search} HTTP/1.1`,
    ...headers.map(([n, v]) => `> ${n}: ${v}`),
    "> ",
    "",
  ].join("\n");
}

/** curl [options] URL... */
export async function curl(args: string[], io: CommandIO, net: PodNetwork): Promise<CommandResult> {
  const opts = parseCurlArgs(args);
  if ("error" in opts) return { stdout: "", stderr: `${opts.error}\n`, exitCode: opts.exitCode };
  if (!opts.urls.length)
    return {
      stdout: "",
      stderr: "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      exitCode: 2,
    };
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  const showErrors = !opts.silent || opts.showError;
  const meter = !opts.silent && !opts.noProgress && !(io.tty && opts.output === null);
  for (const raw of opts.urls) {
    let url = urlOf(raw);
    const body = opts.json ?? opts.data.join("&");
    let method = opts.method ?? (opts.head ? "HEAD" : body || opts.data.length ? "POST" : "GET");
    const t: Transfer = {
      url,
      status: 0,
      ip: "",
      port: 0,
      bytes: 0,
      headerBytes: 0,
      contentType: "",
      redirects: 0,
      exitCode: 0,
      error: "",
      method,
      ms: 0,
    };
    let out = "";
    let code = 0;
    if (meter) stderr += meterStart();
    let intact = "";
    let message = "";
    if (!url) [code, message] = [3, "URL rejected: Malformed input to a URL function"];
    else if (url.protocol !== "http:" && url.protocol !== "https:")
      [code, message] = [1, `Protocol "${url.protocol.replace(":", "")}" not supported`];
    while (url && code === 0) {
      const headers = requestHeaders(opts, url, method === "GET" || method === "HEAD" ? "" : body);
      const result = await fetchOverNetwork(net, {
        url,
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? "" : body,
        ...((opts.connectTimeoutMs ?? opts.maxTimeMs) !== null
          ? { connectTimeoutMs: (opts.connectTimeoutMs ?? opts.maxTimeMs) as number }
          : {}),
      });
      t.url = url;
      if (result.kind !== "response") {
        if (opts.verbose && result.kind !== "unresolved")
          stderr += `*   Trying ${result.ip}:${result.port}...\n`;
        [code, message] = failure(result, url.hostname, opts);
        if (result.kind === "timeout") t.ms = result.afterMs;
        break;
      }
      const res = result.response;
      Object.assign(t, {
        status: res.status,
        ip: result.ip,
        port: result.port,
        bytes: res.body.length,
        headerBytes: result.raw.length - res.body.length,
        contentType: headerOf(res.headers, "content-type") ?? "",
        ms: t.ms + transferMs,
      });
      if (opts.verbose) {
        stderr += verboseRequest(url, result.ip, result.port, method, headers);
        stderr += `< ${headText(res).trimEnd().split("\r\n").join("\n< ")}\n< \n`;
        if (!opts.silent && res.body.length) stderr += `{ [${res.body.length} bytes data]\n`;
      }
      const location = headerOf(res.headers, "location");
      if (opts.location && res.status >= 300 && res.status < 400 && location && t.redirects < 50) {
        if (opts.include) out += headText(res);
        t.redirects++;
        url = new URL(location, url);
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST"))
          method = "GET";
        continue;
      }
      if (opts.fail && res.status >= 400) {
        [code, message] = [22, `The requested URL returned error: ${res.status}`];
        if (opts.failWithBody) out += res.body;
        break;
      }
      if (opts.head || opts.include) out += headText(res);
      if (!opts.head) out += res.body;
      if (opts.verbose) intact = `* Connection #0 to host ${url.hostname} left intact\n`;
      break;
    }
    if (meter) stderr += meterEnd(code === 0 ? t.bytes + (opts.head ? t.headerBytes : 0) : 0, transferMs);
    stderr += intact;
    t.exitCode = code;
    t.error = message;
    const target = opts.output ?? (opts.remoteName ? (url?.pathname.split("/").pop() ?? "") : null);
    if (target !== null && target !== "-" && code !== 3) {
      if (target === "") {
        [code, message] = [23, "Remote file name has no length"];
      } else if (target !== "/dev/null") {
        if (!io.writeFile) [code, message] = [23, `Failure writing output to destination`];
        else await io.writeFile(pathFrom(io.cwd, target), out);
      }
    } else {
      stdout += out;
    }
    if (code !== 0 && showErrors) stderr += `curl: (${code}) ${message}\n`;
    if (opts.writeOut !== null) stdout += writeOut(opts.writeOut, t);
    if (code !== 0) exitCode = code;
  }
  return { stdout, stderr, exitCode };
}
