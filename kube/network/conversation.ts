import type { Connection, Reply } from "../runtime/servers/types.ts";
import { formatDate } from "../runtime/shell/commands/date.ts";
import type { ContainerRef, PodNetwork } from "./context.ts";
import { type Route, route } from "./route.ts";

/** An open route: the connection to its server, with its log lines sent where they belong. */
export interface OpenConnection {
  kind: "open";
  route: Extract<Route, { kind: "open" }>;
  /** Sends bytes; the server's answer (its log lines already appended). */
  send(data: string): Promise<Reply>;
  /** Half-closes: what the server still says. */
  end(): Promise<Reply>;
}

/** Connects to ip:port from the network's origin: an open connection, or why none. */
export async function connect(
  net: PodNetwork,
  ip: string,
  port: number,
): Promise<OpenConnection | Exclude<Route, { kind: "open" }>> {
  const r = await route(net.world, net.origin, ip, port, net.balancer);
  if (r.kind !== "open") return r;
  const target: ContainerRef = { namespace: r.pod.namespace, pod: r.pod.name, container: r.container.name };
  const conn: Connection = r.listener.server.open({
    pod: r.pod,
    container: r.container,
    port: r.port,
    clientIP: r.clientIP,
    now: () => net.clock.now(),
    stamp: (format) => (net.stamp ? net.stamp(format) : formatDate(net.clock.now(), format)),
    ...(net.readFile
      ? { readFile: (path: string) => net.readFile?.(target, path) ?? Promise.resolve(null) }
      : {}),
  });
  const logged = async (reply: Reply) => {
    if (reply.log.length) await net.log(target, reply.log, net.clock.now());
    return reply;
  };
  return {
    kind: "open",
    route: r,
    send: async (data) => logged(await conn.receive(data)),
    end: async () => logged(await conn.end()),
  };
}

/**
 * One exchange as a one-shot client makes it (curl, wget, nc with stdin): send everything,
 * half-close when asked, and gather what the server sends until it closes or goes quiet.
 */
export async function exchange(
  open: OpenConnection,
  data: string,
  halfClose: boolean,
  done?: (received: string) => boolean,
): Promise<{ received: string; closed: boolean }> {
  let reply = await open.send(data);
  let received = reply.data;
  if (reply.close || done?.(received)) return { received, closed: reply.close };
  if (!halfClose) return { received, closed: false };
  reply = await open.end();
  received += reply.data;
  return { received, closed: true };
}
