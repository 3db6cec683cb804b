/**
 * HTTP/1.x messages as bytes (latin1 text): requests parsed from what a client sends, responses
 * written and read back. Enough of RFC 9112 for curl, wget, browsers through port-forward and
 * the API's proxy: a start line, headers, and a body framed by Content-Length or chunks.
 */

/** A request as a server reads it. */
export interface HttpRequest {
  method: string;
  /** The request target as sent ("/", "/a?b=c"). */
  target: string;
  version: string;
  headers: [string, string][];
  body: string;
}

/** A response as a server writes it. */
export interface HttpResponse {
  version?: string;
  status: number;
  reason: string;
  headers: [string, string][];
  body: string;
}

/** A header's value, by case-insensitive name. */
export function header(headers: [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

function parseHeaderLines(lines: string[]): [string, string][] {
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Where the head ends (after the blank line), or -1 while it is incomplete. */
function headEnd(data: string): { end: number; sep: number } | null {
  const crlf = data.indexOf("\r\n\r\n");
  const lf = data.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return null;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { end: crlf, sep: 4 };
  return { end: lf, sep: 2 };
}

/** A body framed by chunked encoding: the body and the bytes consumed, or null while incomplete. */
function readChunked(data: string, start: number): { body: string; next: number } | null {
  let at = start;
  let body = "";
  for (;;) {
    const eol = data.indexOf("\n", at);
    if (eol === -1) return null;
    const size = Number.parseInt(data.slice(at, eol).trim(), 16);
    if (Number.isNaN(size)) return { body, next: data.length };
    at = eol + 1;
    if (size === 0) {
      const end = data.indexOf("\n", at);
      return end === -1 ? null : { body, next: end + 1 };
    }
    if (data.length < at + size) return null;
    body += data.slice(at, at + size);
    at += size;
    if (data.startsWith("\r\n", at)) at += 2;
    else if (data.startsWith("\n", at)) at += 1;
  }
}

/** The first complete request in `data` and the bytes it took, null while incomplete, "bad" when malformed. */
export function parseRequest(data: string): { request: HttpRequest; used: number } | null | "bad" {
  const head = headEnd(data);
  if (!head) return data.length > 64 * 1024 ? "bad" : null;
  const [start = "", ...lines] = data.slice(0, head.end).split(/\r?\n/);
  const m = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(start.trim());
  if (!m) return "bad";
  const headers = parseHeaderLines(lines);
  const bodyStart = head.end + head.sep;
  if ((header(headers, "transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
    const chunked = readChunked(data, bodyStart);
    if (!chunked) return null;
    return {
      request: { method: m[1] ?? "", target: m[2] ?? "", version: m[3] ?? "", headers, body: chunked.body },
      used: chunked.next,
    };
  }
  const length = Number(header(headers, "content-length") ?? 0) || 0;
  if (data.length < bodyStart + length) return null;
  const body = data.slice(bodyStart, bodyStart + length);
  return {
    request: { method: m[1] ?? "", target: m[2] ?? "", version: m[3] ?? "", headers, body },
    used: bodyStart + length,
  };
}

/** A request as bytes. */
export function writeRequest(req: HttpRequest): string {
  const head = [`${req.method} ${req.target} ${req.version}`, ...req.headers.map(([n, v]) => `${n}: ${v}`)];
  return `${head.join("\r\n")}\r\n\r\n${req.body}`;
}

/** A response as bytes (its headers as given: the server sets Content-Length). */
export function writeResponse(res: HttpResponse, headOnly = false): string {
  const head = [
    `${res.version ?? "HTTP/1.1"} ${res.status} ${res.reason}`,
    ...res.headers.map(([n, v]) => `${n}: ${v}`),
  ];
  return `${head.join("\r\n")}\r\n\r\n${headOnly ? "" : res.body}`;
}

/**
 * The first complete response in `data` (a HEAD's has no body), null while incomplete, "bad"
 * when the bytes are not HTTP (curl's "Received HTTP/0.9 when not allowed").
 */
export function parseResponse(
  data: string,
  headRequest: boolean,
  closed: boolean,
): { response: HttpResponse; used: number } | null | "bad" {
  if (data.length >= 5 && !data.startsWith("HTTP/")) return "bad";
  const head = headEnd(data);
  if (!head) return closed && data.length ? "bad" : null;
  const [start = "", ...lines] = data.slice(0, head.end).split(/\r?\n/);
  const m = /^(HTTP\/\d(?:\.\d)?) (\d{3}) ?(.*)$/.exec(start);
  if (!m) return "bad";
  const headers = parseHeaderLines(lines);
  const status = Number(m[2]);
  const bodyStart = head.end + head.sep;
  const res = (body: string, used: number) => ({
    response: { version: m[1] ?? "HTTP/1.1", status, reason: m[3] ?? "", headers, body },
    used,
  });
  if (headRequest || status === 204 || status === 304 || (status >= 100 && status < 200))
    return res("", bodyStart);
  if ((header(headers, "transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
    const chunked = readChunked(data, bodyStart);
    return chunked ? res(chunked.body, chunked.next) : null;
  }
  const length = header(headers, "content-length");
  if (length === undefined) return closed ? res(data.slice(bodyStart), data.length) : null;
  const n = Number(length) || 0;
  if (data.length < bodyStart + n) return closed ? res(data.slice(bodyStart), data.length) : null;
  return res(data.slice(bodyStart, bodyStart + n), bodyStart + n);
}

/** The HTTP date format (RFC 9110's IMF-fixdate). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
