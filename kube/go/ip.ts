/**
 * IP addresses as the API server reads them (Go's net.ParseIP via netutils.ParseIPSloppy, which
 * also accepts leading zeros in IPv4 octets), without Node's net module so the semantics stay
 * runtime-neutral.
 */

/** Parses dotted-quad IPv4 (leading zeros allowed) into an unsigned 32-bit number, or null. */
export function parseIPv4(value: string): number | null {
  const parts = value.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    const octet = Number(p);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** Formats an unsigned 32-bit number as dotted-quad IPv4. */
export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Parses an IPv6 address (with `::` and an optional trailing IPv4 part) into 16 bytes, or null. */
export function parseIPv6(value: string): Uint8Array | null {
  if (!value.includes(":")) return null;
  let text = value;
  const lastColon = text.lastIndexOf(":");
  const last = text.slice(lastColon + 1);
  if (last.includes(".")) {
    // An embedded IPv4 tail stands for the last two 16-bit groups.
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0] ?? "");
  const rest = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const words: number[] = [];
  for (const g of [...head, ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    words.push(Number.parseInt(g, 16));
  }
  if (halves.length === 1 ? words.length !== 8 : words.length > 7) return null;
  const all = [
    ...words.slice(0, head.length),
    ...Array(8 - words.length).fill(0),
    ...words.slice(head.length),
  ];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >>> 8;
    bytes[2 * i + 1] = w & 255;
  });
  return bytes;
}

/** Whether Go's net.ParseIP would accept the value. */
export function isValidIP(value: string): boolean {
  return parseIPv4(value) !== null || parseIPv6(value) !== null;
}

/** The IP family as Services name it, or null for something that is not an IP. */
export function ipFamilyOf(value: string): "IPv4" | "IPv6" | null {
  if (parseIPv4(value) !== null) return "IPv4";
  const v6 = parseIPv6(value);
  if (!v6) return null;
  // An IPv4-mapped address (::ffff:a.b.c.d) is IPv4 to Go.
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 255 && v6[11] === 255;
  return mapped ? "IPv4" : "IPv6";
}

/**
 * The reasons an address may not be an endpoint or external IP (ValidateNonSpecialIP):
 * unspecified, loopback, link-local unicast or link-local multicast.
 */
export function specialIPProblems(value: string): string[] {
  const v4 = parseIPv4(value);
  const isV4 = v4 !== null;
  const b = isV4
    ? new Uint8Array([v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255])
    : parseIPv6(value);
  if (!b) return ["must be a valid IP address"];
  const problems: string[] = [];
  if (b.every((x) => x === 0)) problems.push(`may not be unspecified (${value})`);
  const loopback = isV4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback) problems.push("may not be in the loopback range (127.0.0.0/8, ::1/128)");
  const linkLocal = isV4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80;
  if (linkLocal) problems.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
  const linkLocalMulticast = isV4
    ? b[0] === 224 && b[1] === 0 && b[2] === 0
    : b[0] === 0xff && ((b[1] ?? 0) & 0x0f) === 0x02;
  if (linkLocalMulticast)
    problems.push("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
  return problems;
}
