/**
 * curl's command line, the options people use: short options bundled (`-sSL`, `-svo f`) or
 * with their value attached (`-m5`), long ones with `=` or a separate value.
 */

/** The options one curl run was given. */
export interface CurlOptions {
  urls: string[];
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  head: boolean;
  include: boolean;
  location: boolean;
  insecure: boolean;
  fail: boolean;
  failWithBody: boolean;
  remoteName: boolean;
  output: string | null;
  writeOut: string | null;
  maxTimeMs: number | null;
  connectTimeoutMs: number | null;
  headers: string[];
  method: string | null;
  data: string[];
  json: string | null;
  userAgent: string | null;
  referer: string | null;
  user: string | null;
  noProgress: boolean;
}

/** A usage error: curl's message and exit status. */
export interface CurlUsageError {
  error: string;
  exitCode: number;
}

const withValue: Record<string, keyof CurlOptions> = {
  o: "output",
  w: "writeOut",
  m: "maxTimeMs",
  H: "headers",
  X: "method",
  d: "data",
  A: "userAgent",
  e: "referer",
  u: "user",
};
const longWithValue: Record<string, keyof CurlOptions> = {
  output: "output",
  "write-out": "writeOut",
  "max-time": "maxTimeMs",
  "connect-timeout": "connectTimeoutMs",
  header: "headers",
  request: "method",
  data: "data",
  "data-raw": "data",
  "data-binary": "data",
  "data-ascii": "data",
  "data-urlencode": "data",
  json: "json",
  "user-agent": "userAgent",
  referer: "referer",
  user: "user",
  url: "urls",
};
/** Options that take a value this simulation ignores (proxies, retries, certificates, resolve). */
const ignoredWithValue = new Set([
  "retry",
  "retry-delay",
  "retry-max-time",
  "cacert",
  "cert",
  "key",
  "resolve",
  "noproxy",
  "proxy",
  "x",
  "limit-rate",
  "interface",
  "cookie",
  "b",
  "c",
  "cookie-jar",
  "r",
  "range",
]);
const flags: Record<string, keyof CurlOptions | null> = {
  s: "silent",
  silent: "silent",
  S: "showError",
  "show-error": "showError",
  v: "verbose",
  verbose: "verbose",
  I: "head",
  head: "head",
  i: "include",
  include: "include",
  L: "location",
  location: "location",
  k: "insecure",
  insecure: "insecure",
  f: "fail",
  fail: "fail",
  "fail-with-body": "failWithBody",
  O: "remoteName",
  "remote-name": "remoteName",
  "no-progress-meter": "noProgress",
  "#": null,
  "progress-bar": null,
  n: null,
  q: null,
  "4": null,
  "6": null,
  N: null,
  g: null,
  compressed: null,
  "http1.1": null,
  "http1.0": null,
  "fail-early": null,
  globoff: null,
  "no-buffer": null,
  "no-keepalive": null,
  "path-as-is": null,
  "tcp-nodelay": null,
};

function seconds(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : null;
}

function set(opts: CurlOptions, key: keyof CurlOptions, value: string, name: string): CurlUsageError | null {
  if (key === "maxTimeMs" || key === "connectTimeoutMs") {
    const ms = seconds(value);
    if (ms === null)
      return { error: `curl: option ${name}: expected a proper numerical parameter`, exitCode: 2 };
    opts[key] = ms;
  } else if (key === "headers" || key === "data" || key === "urls") {
    opts[key].push(value);
  } else {
    (opts as unknown as Record<string, unknown>)[key] = value;
  }
  return null;
}

/** Parses curl's arguments (without "curl"). */
export function parseCurlArgs(args: string[]): CurlOptions | CurlUsageError {
  const opts: CurlOptions = {
    urls: [],
    silent: false,
    showError: false,
    verbose: false,
    head: false,
    include: false,
    location: false,
    insecure: false,
    fail: false,
    failWithBody: false,
    remoteName: false,
    output: null,
    writeOut: null,
    maxTimeMs: null,
    connectTimeoutMs: null,
    headers: [],
    method: null,
    data: [],
    json: null,
    userAgent: null,
    referer: null,
    user: null,
    noProgress: false,
  };
  const unknown = (name: string): CurlUsageError => ({
    error: `curl: option ${name}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`,
    exitCode: 2,
  });
  const missing = (name: string): CurlUsageError => ({
    error: `curl: option ${name}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`,
    exitCode: 2,
  });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const key = longWithValue[name];
      if (key || ignoredWithValue.has(name)) {
        const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
        if (value === undefined) return missing(arg);
        if (key) {
          const err = set(opts, key, value, arg);
          if (err) return err;
        }
        continue;
      }
      if (name in flags) {
        const flag = flags[name];
        if (flag) (opts as unknown as Record<string, boolean>)[flag] = true;
        continue;
      }
      if (name.startsWith("no-") && name.slice(3) in flags) continue;
      return unknown(arg);
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        const key = withValue[c];
        if (key || ignoredWithValue.has(c)) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
          if (value === undefined) return missing(`-${c}`);
          if (key) {
            const err = set(opts, key, value, `-${c}`);
            if (err) return err;
          }
          break;
        }
        if (!(c in flags)) return unknown(`-${c}`);
        const flag = flags[c];
        if (flag) (opts as unknown as Record<string, boolean>)[flag] = true;
      }
      continue;
    }
    opts.urls.push(arg);
  }
  return opts;
}
