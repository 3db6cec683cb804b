import type { Connection, Reply, ServerContext, SimulatedServer } from "./types.ts";

/**
 * redis-server on 6379: the RESP protocol (arrays of bulk strings, or inline commands as
 * `nc` or telnet send them) for the commands people try first (PING, ECHO, SET, GET, DEL,
 * EXISTS, INCR, KEYS, INFO, QUIT). Keys live as long as the connection: the simulation keeps no
 * store between connections. HTTP sent to it is refused as Redis does (the "SECURITY ATTACK" log).
 */

const version = "7.4.1";

/** RESP encodings. */
const simple = (s: string) => `+${s}\r\n`;
const error = (s: string) => `-${s}\r\n`;
const bulk = (s: string | null) => (s === null ? "$-1\r\n" : `$${Buffer.byteLength(s)}\r\n${s}\r\n`);
const integer = (n: number) => `:${n}\r\n`;

/** One command from the buffer: its words and the bytes used, null while incomplete. */
function readCommand(buffer: string): { words: string[]; used: number } | null {
  if (buffer.startsWith("*")) {
    const lines = buffer.split("\r\n");
    const count = Number(lines[0]?.slice(1));
    const words: string[] = [];
    let used = (lines[0]?.length ?? 0) + 2;
    for (let i = 0; i < count; i++) {
      const lenLine = lines[1 + i * 2];
      const word = lines[2 + i * 2];
      if (lenLine === undefined || word === undefined || 3 + i * 2 > lines.length) return null;
      words.push(word);
      used += lenLine.length + 2 + word.length + 2;
    }
    return used <= buffer.length ? { words, used } : null;
  }
  const eol = buffer.indexOf("\n");
  if (eol === -1) return null;
  const words = buffer.slice(0, eol).replace(/\r$/, "").trim().split(/\s+/).filter(Boolean);
  return { words, used: eol + 1 };
}

function execute(words: string[], keys: Map<string, string>): { out: string; close?: boolean } {
  const [name = "", ...args] = words;
  const cmd = name.toUpperCase();
  const arity = (n: number) => args.length !== n;
  const wrongArgs = () => ({
    out: error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`),
  });
  switch (cmd) {
    case "PING":
      return { out: args.length ? bulk(args[0] ?? "") : simple("PONG") };
    case "ECHO":
      return arity(1) ? wrongArgs() : { out: bulk(args[0] ?? "") };
    case "SET":
      if (args.length < 2) return wrongArgs();
      keys.set(args[0] ?? "", args[1] ?? "");
      return { out: simple("OK") };
    case "GET":
      return arity(1) ? wrongArgs() : { out: bulk(keys.get(args[0] ?? "") ?? null) };
    case "DEL":
    case "EXISTS": {
      if (!args.length) return wrongArgs();
      const n = args.filter((k) => keys.has(k)).length;
      if (cmd === "DEL") for (const k of args) keys.delete(k);
      return { out: integer(n) };
    }
    case "INCR": {
      if (arity(1)) return wrongArgs();
      const n = Number(keys.get(args[0] ?? "") ?? 0);
      if (!Number.isInteger(n)) return { out: error("ERR value is not an integer or out of range") };
      keys.set(args[0] ?? "", String(n + 1));
      return { out: integer(n + 1) };
    }
    case "KEYS":
      return {
        out: `*${keys.size}\r\n${[...keys.keys()].map((k) => bulk(k)).join("")}`,
      };
    case "INFO":
      return {
        out: bulk(`# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\ntcp_port:6379\r\n`),
      };
    case "QUIT":
      return { out: simple("OK"), close: true };
    default: {
      const shown = args
        .slice(0, 3)
        .map((a) => `'${a}'`)
        .join(" ");
      return {
        out: error(`ERR unknown command '${name}', with args beginning with: ${shown}${shown ? " " : ""}`),
      };
    }
  }
}

function open(ctx: ServerContext): Connection {
  let buffer = "";
  const keys = new Map<string, string>();
  let closed = false;
  return {
    async receive(data: string): Promise<Reply> {
      if (closed) return { data: "", log: [], close: true };
      buffer += data;
      let out = "";
      for (;;) {
        const next = readCommand(buffer);
        if (!next) return { data: out, log: [], close: false };
        buffer = buffer.slice(next.used);
        const first = next.words[0]?.toUpperCase() ?? "";
        if (first === "POST" || first === "HOST:") {
          closed = true;
          return {
            data: out,
            log: [
              `1:M ${ctx.stamp("%d %b %Y %H:%M:%S.000")} # Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.`,
            ],
            close: true,
          };
        }
        if (!next.words.length) continue;
        const result = execute(next.words, keys);
        out += result.out;
        if (result.close) {
          closed = true;
          return { data: out, log: [], close: true };
        }
      }
    },
    async end(): Promise<Reply> {
      closed = true;
      return { data: "", log: [], close: true };
    },
  };
}

/** redis-server of the official image, on 6379. */
export const redis: SimulatedServer = { name: "redis-server", ports: [6379], open };
