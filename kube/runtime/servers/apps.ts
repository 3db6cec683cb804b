import { type HttpRequest, type HttpResponse, httpDate } from "./http-message.ts";
import { httpServer, pathOf } from "./http-server.ts";
import type { Connection, Reply, ServerContext, SimulatedServer } from "./types.ts";

/**
 * The other servers of the image catalogue, each the little its image says at a first request:
 * the sample apps tutorials use (hello-app, kubernetes-bootcamp, agnhost), HTTP services' front
 * pages, and the banners or silence of binary protocols (databases), so that curl and nc get
 * what they would get from the real image.
 */

/** A route's answer: status, content type and body (a function of the request and context). */
type Route = (
  req: HttpRequest,
  ctx: ServerContext,
) => [status: number, type: string, body: string, log?: string];

const reasons: Record<number, string> = {
  200: "OK",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  404: "Not Found",
};

function plain(status: number, type: string, body: string, now: number, server?: string): HttpResponse {
  return {
    status,
    reason: reasons[status] ?? "",
    headers: [
      ...(server ? ([["Server", server]] as [string, string][]) : []),
      ["Content-Type", type],
      ["Date", httpDate(now)],
      ["Content-Length", String(body.length)],
    ],
    body,
  };
}

/** An HTTP app: routes by path ("*" for every other path), served on its ports. */
function app(name: string, ports: number[], routes: Record<string, Route>, server?: string): SimulatedServer {
  return httpServer(
    name,
    ports,
    (req, ctx) => {
      const route = routes[pathOf(req)] ?? routes["*"];
      const [status, type, body, line] = route
        ? route(req, ctx)
        : [404, "text/plain; charset=utf-8", "404 page not found\n"];
      return { response: plain(status, type, body, ctx.now(), server), log: line ? [line] : [] };
    },
    (ctx) => ({ response: plain(400, "text/plain; charset=utf-8", "400 Bad Request", ctx.now()) }),
  );
}

const text = "text/plain; charset=utf-8";
const json = "application/json; charset=UTF-8";
const html = "text/html; charset=utf-8";

function imageTag(image: string): string {
  return /:([^:@/]+)(?:@|$)/.exec(image)?.[1] ?? "latest";
}

/** gcr.io/google-samples/hello-app: its greeting with the pod's hostname. */
export const helloApp = app("hello-app", [8080], {
  "*": (req, ctx) => {
    const tag = imageTag(ctx.container.image);
    const v = /^\d+\.\d+$/.test(tag) ? `${tag}.0` : "1.0.0";
    return [
      200,
      text,
      `Hello, world!\nVersion: ${v}\nHostname: ${ctx.pod.name}\n`,
      `${ctx.stamp("%Y/%m/%d %H:%M:%S")} Serving request: ${pathOf(req)}`,
    ];
  },
});

/** gcr.io/google-samples/kubernetes-bootcamp. */
export const bootcamp = app("node", [8080], {
  "*": (_req, ctx) => [200, text, `Hello Kubernetes bootcamp! | Running on: ${ctx.pod.name} | v=1\n`],
});

/** agnhost serve-hostname: the pod's name on 9376. */
export const agnhostServeHostname = app("agnhost", [9376], { "*": (_r, ctx) => [200, text, ctx.pod.name] });

/** agnhost netexec: its HTTP endpoints on 8080. */
export const agnhostNetexec = app("agnhost", [8080], {
  "/": (_r, ctx) => [200, text, `NOW: ${new Date(ctx.now()).toISOString()}`],
  "/hostname": (_r, ctx) => [200, text, ctx.pod.name],
  "/clientip": (_r, ctx) => [200, text, `${ctx.clientIP}:${40000 + (ctx.now() % 20000)}`],
  "/echo": (req) => [200, text, new URLSearchParams(req.target.split("?")[1] ?? "").get("msg") ?? ""],
  "/healthz": () => [200, text, ""],
  "*": () => [404, text, "404 page not found\n"],
});

const traefik404 = (): ReturnType<Route> => [404, text, "404 page not found\n"];

/** Servers that answer HTTP with a front page, by image name. */
export const httpApps: Record<string, SimulatedServer> = {
  caddy: app(
    "caddy",
    [80],
    {
      "/": () => [
        200,
        html,
        "<!DOCTYPE html>\n<html>\n<head><title>Caddy works!</title></head>\n<body><h1>Caddy works!</h1></body>\n</html>\n",
      ],
      "*": () => [404, text, ""],
    },
    "Caddy",
  ),
  traefik: app("traefik", [80, 8080], { "*": traefik404 }),
  tomcat: app("catalina", [8080], {
    "*": () => [
      404,
      "text/html;charset=utf-8",
      `<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title></head><body><h1>HTTP Status 404 – Not Found</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Description</b> The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.</p><hr class="line" /><h3>Apache Tomcat/11.0.2</h3></body></html>`,
    ],
  }),
  elasticsearch: app("java", [9200], {
    "/": (_r, ctx) => [
      200,
      json,
      `{\n  "name" : "${ctx.pod.name}",\n  "cluster_name" : "docker-cluster",\n  "version" : {\n    "number" : "8.17.0"\n  },\n  "tagline" : "You Know, for Search"\n}\n`,
    ],
  }),
  couchdb: app("beam.smp", [5984], {
    "/": () => [
      200,
      "application/json",
      `{"couchdb":"Welcome","version":"3.4.2","vendor":{"name":"The Apache Software Foundation"}}\n`,
    ],
  }),
  registry: app("registry", [5000], { "/v2": () => [200, json, "{}"], "/v2/": () => [200, json, "{}"] }),
  influxdb: app("influxd", [8086], {
    "/ping": () => [204, text, ""],
    "/health": () => [200, json, `{"name":"influxdb","status":"pass"}`],
  }),
  consul: app("consul", [8500], { "/v1/status/leader": (_r, ctx) => [200, json, `"${ctx.pod.ip}:8300"`] }),
  vault: app("vault", [8200], {
    "/v1/sys/health": () => [200, json, `{"initialized":true,"sealed":false,"standby":false}`],
  }),
  ghost: app("node", [2368], {
    "*": () => [200, html, "<!DOCTYPE html><html><head><title>Ghost</title></head><body></body></html>\n"],
  }),
};

/** A TCP server that greets on connect (mysql, nats, …) or says nothing, and closes on bytes it does not understand. */
function binary(name: string, ports: number[], greeting: (ctx: ServerContext) => string): SimulatedServer {
  return {
    name,
    ports,
    open(ctx): Connection {
      let greeted = false;
      const reply = (close: boolean): Reply => {
        const data = greeted ? "" : greeting(ctx);
        greeted = true;
        return { data, log: [], close };
      };
      return {
        receive: async (data) => reply(data.length > 0),
        end: async () => reply(true),
      };
    },
  };
}

/** Binary-protocol servers: what a client that speaks HTTP or nothing gets. */
export const binaryServers: Record<string, SimulatedServer> = {
  postgres: binary("postgres", [5432], () => ""),
  mysql: binary("mysqld", [3306, 33060], () => "J\0\0\0\n9.1.0\0\x08\0\0\0"),
  mariadb: binary("mariadbd", [3306], () => "R\0\0\0\n11.6.2-MariaDB\0\x08\0\0\0"),
  mongo: binary("mongod", [27017], () => ""),
  memcached: binary("memcached", [11211], () => ""),
  rabbitmq: binary("beam.smp", [5672], () => ""),
  zookeeper: binary("java", [2181], () => ""),
  cassandra: binary("java", [9042], () => ""),
  nats: binary(
    "nats-server",
    [4222],
    (ctx) =>
      `INFO {"server_id":"N${ctx.pod.uid.slice(0, 8)}","version":"2.10.24","proto":1,"host":"0.0.0.0","port":4222,"max_payload":1048576}\r\n`,
  ),
};

/**
 * etcd (registry.k8s.io/etcd, the docs' gRPC probe example): its client port serves gRPC (with
 * grpc.health.v1, SERVING for the server as a whole) and, on the same port, HTTP's /health
 * and /version; 2380 is the peers'.
 */
export const etcd: SimulatedServer = {
  ...app("etcd", [2379], {
    "/health": () => [200, "text/plain; charset=utf-8", '{"health":"true","reason":""}'],
    "/version": () => [200, "text/plain; charset=utf-8", '{"etcdserver":"3.5.1","etcdcluster":"3.5.0"}'],
    "*": () => [404, text, "404 page not found\n"],
  }),
  grpcHealth: (_ctx, service) => (service === "" ? "SERVING" : null),
};

/** A flag's value in an argv (`--name=value` or `--name value`), or undefined. */
function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    if (a === `--${name}`) return argv[i + 1];
  }
  return undefined;
}

/** agnhost's argv after its program: its subcommand and flags. */
export function agnhostArgv(container: { command: string[] | null; args: string[] }): string[] {
  return [...(container.command?.slice(1) ?? []), ...container.args];
}

/** The gRPC port agnhost grpc-health-checking listens on (--port, 5000 by default). */
export function agnhostGrpcPort(argv: string[]): number {
  return Number(flag(argv, "port") ?? 5000) || 5000;
}

/**
 * agnhost grpc-health-checking (Kubernetes' own e2e tests' gRPC server): grpc.health.v1 on
 * --port, SERVING for the --service it registers (NotFound for any other), NOT_SERVING once
 * --delay-unhealthy-sec have passed since it started (never, by default). A client that speaks
 * no HTTP/2 gets the connection closed. (Its HTTP port, whose /make-not-serving switches it
 * over, is not simulated: there is no process to keep the switch in.)
 */
export const agnhostGrpcHealth: SimulatedServer = {
  ...binary("agnhost", [5000], () => ""),
  grpcHealth(ctx, service) {
    const argv = agnhostArgv(ctx.container);
    if (service !== (flag(argv, "service") ?? "")) return null;
    const delay = Number(flag(argv, "delay-unhealthy-sec") ?? -1);
    const started = ctx.container.startedMs ?? ctx.now();
    return delay >= 0 && ctx.now() - started >= delay * 1000 ? "NOT_SERVING" : "SERVING";
  },
};

/** An image we know nothing of: it listens where its pod says (containerPort) and answers OK. */
export const unknownApp: SimulatedServer = app("app", [], { "*": () => [200, text, "OK\n"] });
