import type { ExecResult } from "just-bash";
import type { PodWorld } from "../world.ts";
import { formatDate } from "./date.ts";
import { definePodCommand, type PodCommand } from "./define.ts";
import { quote } from "./programs.ts";

/**
 * The long-running programs of the catalogue's images: each prints what the real one logs on
 * start, then serves until the horizon (what they answer over the network is the network
 * commands' business). `-v`/`-t`-style flags print and exit, as the real ones do.
 */

/** Prints `stdout` and `stderr`, then runs until the clock's horizon. */
function serve(world: PodWorld, stdout: string[], stderr: string[] = []): ExecResult {
  if (stdout.length) world.print("stdout", `${stdout.join("\n")}\n`);
  if (stderr.length) world.print("stderr", `${stderr.join("\n")}\n`);
  world.clock.sleepForever();
  return { stdout: "", stderr: "", exitCode: 0 };
}

const nginxVersion = "1.27.3";

function nginxNotices(world: PodWorld): string[] {
  const t = formatDate(world.clock.nowMs, "%Y/%m/%d %H:%M:%S");
  const workers = Math.max(1, Number(world.pod.spec?.containers?.length ?? 1)) + 1;
  return [
    `${t} [notice] 1#1: using the "epoll" event method`,
    `${t} [notice] 1#1: nginx/${nginxVersion}`,
    `${t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) `,
    `${t} [notice] 1#1: OS: Linux 6.8.0-1019-gke`,
    `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
    `${t} [notice] 1#1: start worker processes`,
    ...Array.from({ length: workers }, (_, i) => `${t} [notice] 1#1: start worker process ${29 + i}`),
  ];
}

export const nginx = definePodCommand("nginx", async (args, _ctx, world) => {
  if (args.includes("-v"))
    return { stdout: "", stderr: `nginx version: nginx/${nginxVersion}\n`, exitCode: 0 };
  if (args.includes("-V"))
    return {
      stdout: "",
      stderr: `nginx version: nginx/${nginxVersion}\nbuilt by gcc 12.2.0 (Debian 12.2.0-14)\n`,
      exitCode: 0,
    };
  if (args.includes("-t") || args.includes("-T"))
    return {
      stdout: "",
      stderr:
        "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n",
      exitCode: 0,
    };
  const signal = args.indexOf("-s");
  if (signal !== -1) {
    const t = formatDate(world.clock.nowMs, "%Y/%m/%d %H:%M:%S");
    world.log(
      {
        namespace: world.pod.metadata.namespace ?? "default",
        pod: world.pod.metadata.name ?? "",
        container: world.container.name,
      },
      `${t} [notice] 1#1: signal 1 (SIGHUP) received from ${world.processes.length + 40}, reconfiguring`,
      "stderr",
    );
    return {
      stdout: "",
      stderr: `${t} [notice] ${world.processes.length + 40}#${world.processes.length + 40}: signal process started\n`,
      exitCode: 0,
    };
  }
  return serve(world, [], nginxNotices(world));
});

/** The nginx image's /docker-entrypoint.sh: its configuration messages, then the command. */
export const nginxEntrypoint = definePodCommand("nginx-entrypoint", async (args, ctx, world) => {
  if ((args[0] === "nginx" || args[0] === "nginx-debug") && !ctx.env.get("NGINX_ENTRYPOINT_QUIET_LOGS"))
    world.print(
      "stdout",
      `${[
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
      ].join("\n")}\n`,
    );
  if (!args.length) return { stdout: "", stderr: "", exitCode: 0 };
  return (await ctx.exec?.(quote(args), { cwd: ctx.cwd })) ?? { stdout: "", stderr: "", exitCode: 0 };
});

function apacheTime(ms: number): string {
  return `${formatDate(ms, "%a %b %d %H:%M:%S")}.${String((ms % 1000) * 1000).padStart(6, "0")} ${formatDate(ms, "%Y")}`;
}

const httpdForeground = (name: string): PodCommand =>
  definePodCommand(name, async (args, _ctx, world) => {
    if (args.includes("-v"))
      return {
        stdout: "Server version: Apache/2.4.62 (Unix)\nServer built:   Oct  4 2024 00:00:00\n",
        stderr: "",
        exitCode: 0,
      };
    const ip = world.pod.status?.podIP ?? "127.0.0.1";
    const t = apacheTime(world.clock.nowMs);
    return serve(
      world,
      [],
      [
        `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message`,
        `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message`,
        `[${t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations`,
        `[${t}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'`,
      ],
    );
  });

export const redisServer = definePodCommand("redis-server", async (args, _ctx, world) => {
  if (args.includes("-v") || args.includes("--version"))
    return {
      stdout: "Redis server v=7.4.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=1\n",
      stderr: "",
      exitCode: 0,
    };
  const port =
    args[args.indexOf("--port") + 1] && args.includes("--port") ? args[args.indexOf("--port") + 1] : "6379";
  const t = (ms: number) =>
    `1:M ${formatDate(ms, "%d %b %Y %H:%M:%S")}.${String(ms % 1000).padStart(3, "0")}`;
  const now = world.clock.nowMs;
  return serve(world, [
    `1:C ${formatDate(now, "%d %b %Y %H:%M:%S")}.${String(now % 1000).padStart(3, "0")} # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition.`,
    `1:C ${formatDate(now, "%d %b %Y %H:%M:%S")}.${String(now % 1000).padStart(3, "0")} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
    `1:C ${formatDate(now, "%d %b %Y %H:%M:%S")}.${String(now % 1000).padStart(3, "0")} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started`,
    `1:C ${formatDate(now, "%d %b %Y %H:%M:%S")}.${String(now % 1000).padStart(3, "0")} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf`,
    `${t(now)} * monotonic clock: POSIX clock_gettime`,
    `${t(now)} * Running mode=standalone, port=${port}.`,
    `${t(now)} * Server initialized`,
    `${t(now)} * Ready to accept connections tcp`,
  ]);
});

export const postgres = definePodCommand("postgres", async (args, _ctx, world) => {
  if (args.includes("--version") || args.includes("-V"))
    return { stdout: "postgres (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)\n", stderr: "", exitCode: 0 };
  const t = formatDate(world.clock.nowMs, "%Y-%m-%d %H:%M:%S.000 UTC");
  return serve(
    world,
    [],
    [
      `${t} [1] LOG:  starting PostgreSQL 17.2 (Debian 17.2-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
      `${t} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
      `${t} [1] LOG:  listening on IPv6 address "::", port 5432`,
      `${t} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"`,
      `${t} [1] LOG:  database system is ready to accept connections`,
    ],
  );
});

const mysqld = (name: string): PodCommand =>
  definePodCommand(name, async (args, _ctx, world) => {
    if (args.includes("--version") || args.includes("-V"))
      return {
        stdout: `/usr/sbin/${name}  Ver 9.1.0 for Linux on x86_64 (MySQL Community Server - GPL)\n`,
        stderr: "",
        exitCode: 0,
      };
    const t = formatDate(world.clock.nowMs, "%Y-%m-%dT%H:%M:%S.000000Z");
    return serve(
      world,
      [],
      [
        `${t} 0 [System] [MY-015015] [Server] MySQL Server - start.`,
        `${t} 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 9.1.0) starting as process 1`,
        `${t} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '9.1.0'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.`,
      ],
    );
  });

/** etcd: its start-up lines (JSON, on stderr), then it serves. */
export const etcd = definePodCommand("etcd", async (args, _ctx, world) => {
  if (args.includes("--version"))
    return {
      stdout: "etcd Version: 3.5.1\nGit SHA: e8732fb5f\nGo Version: go1.16.3\nGo OS/Arch: linux/amd64\n",
      stderr: "",
      exitCode: 0,
    };
  const ts = new Date(world.clock.nowMs).toISOString();
  const line = (caller: string, msg: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ level: "info", ts, caller, msg, ...extra });
  return serve(
    world,
    [],
    [
      line("etcdmain/etcd.go:72", "Running: ", { args: ["etcd", ...args] }),
      line("embed/etcd.go:307", "starting an etcd server", { "etcd-version": "3.5.1" }),
      line("embed/serve.go:98", "ready to serve client requests"),
      line("embed/serve.go:140", "serving client traffic insecurely; this is strongly discouraged!", {
        address: "[::]:2379",
      }),
    ],
  );
});

/** A program the simulation knows only as "keeps running": the catalogue's other servers, unknown images' binaries. */
export const serveQuietly = definePodCommand("__serve", async (_args, _ctx, world) => serve(world, []));

/** `pause`: the infra container; sleeps until signalled. */
export const pause = definePodCommand("pause", async (_args, _ctx, world) => serve(world, []));

const quiet = (name: string) => definePodCommand(name, async (_args, _ctx, world) => serve(world, []));

/** The server programs, by the names their images run them. */
export const servers: PodCommand[] = [
  nginx,
  nginxEntrypoint,
  httpdForeground("httpd-foreground"),
  httpdForeground("httpd"),
  httpdForeground("apache2-foreground"),
  redisServer,
  postgres,
  mysqld("mysqld"),
  mysqld("mariadbd"),
  serveQuietly,
  pause,
  etcd,
  ...[
    "memcached",
    "mongod",
    "rabbitmq-server",
    "traefik",
    "haproxy",
    "caddy",
    "catalina.sh",
    "unitd",
    "zkServer.sh",
    "influxd",
    "telegraf",
    "dockerd-entrypoint.sh",
    "agnhost",
    "hello-app",
    "eswrapper",
    "kibana-docker",
    "solr-foreground",
  ].map(quiet),
];
