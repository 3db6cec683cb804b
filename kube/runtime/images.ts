import { createHash } from "node:crypto";
import { type ImageRef, normalizedImage, parseImageRef } from "./image-ref.ts";

/**
 * The simulated registries: which images a pull finds, how big they are and what they run.
 *
 * The rule, in order:
 * 1. A reference that does not parse fails with InvalidImageName, in the kubelet's words.
 * 2. Only docker.io, registry.k8s.io, k8s.gcr.io, gcr.io, quay.io, ghcr.io, mcr.microsoft.com and
 *    public.ecr.aws exist; any other registry host fails to resolve (localhost and IPs refuse the
 *    connection), as from a node with no private registry.
 * 3. A repository or tag that says it does not exist ("nonexistent", "doesnotexist",
 *    "does-not-exist", "no-such", "bogus") fails: "not found" for a tag, "pull access denied"
 *    for a repository.
 * 4. On docker.io, single-name (library/) images must be official images from the table below;
 *    anything else there (a typo such as "ngnix") is "pull access denied", as Docker Hub says.
 * 5. Everything else pulls, at any tag. Table images run their real entrypoint and command;
 *    others run an unknown program, which keeps running.
 */

/** What an image runs when the pod gives no command, and what a pull reports. */
export interface ImageInfo {
  /** The repository, normalized: "docker.io/library/nginx", "registry.k8s.io/pause". */
  repo: string;
  entrypoint: string[];
  cmd: string[];
  /** The size the kubelet's Pulled event reports, in bytes. */
  size: number;
  /** Environment variables of which the entrypoint needs at least one, or it exits 1 (postgres, mysql). */
  requiresEnv?: string[];
}

/** A pull's outcome: the image found, or the waiting reason and message the kubelet shows. */
export type PullResult =
  | { ok: true; image: string; imageID: string; info: ImageInfo }
  | { ok: false; reason: "InvalidImageName" | "ErrImagePull"; message: string };

const registries = new Set([
  "docker.io",
  "registry-1.docker.io",
  "registry.k8s.io",
  "k8s.gcr.io",
  "gcr.io",
  "quay.io",
  "ghcr.io",
  "mcr.microsoft.com",
  "public.ecr.aws",
]);
const missing = /nonexist|notexist|not-exist|no-such|nosuch|bogus/;

type Entry = [entrypoint: string[], cmd: string[], megabytes: number, requiresEnv?: string[]];
const sh = (mb: number): Entry => [[], ["sh"], mb];
const bash = (mb: number): Entry => [[], ["/bin/bash"], mb];
const entry = (cmd: string, mb: number): Entry => [["docker-entrypoint.sh"], [cmd], mb];
const run = (cmd: string[], mb: number): Entry => [[], cmd, mb];

/** Docker Hub's official images this simulation knows, by name under library/. */
const official: Record<string, Entry> = {
  nginx: [["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"], 72.2],
  httpd: run(["httpd-foreground"], 58.1),
  redis: entry("redis-server", 45.4),
  memcached: entry("memcached", 32.1),
  mongo: entry("mongod", 254.6),
  postgres: [
    ["docker-entrypoint.sh"],
    ["postgres"],
    158.5,
    ["POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD"],
  ],
  mysql: [
    ["docker-entrypoint.sh"],
    ["mysqld"],
    172.3,
    ["MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"],
  ],
  mariadb: [
    ["docker-entrypoint.sh"],
    ["mariadbd"],
    120.4,
    [
      "MARIADB_ROOT_PASSWORD",
      "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD",
      "MARIADB_RANDOM_ROOT_PASSWORD",
      "MYSQL_ROOT_PASSWORD",
      "MYSQL_ALLOW_EMPTY_PASSWORD",
      "MYSQL_RANDOM_ROOT_PASSWORD",
    ],
  ],
  rabbitmq: entry("rabbitmq-server", 95.2),
  traefik: [["/entrypoint.sh"], ["traefik"], 48.7],
  haproxy: entry("haproxy", 41.9),
  caddy: run(["caddy", "run", "--config", "/etc/caddy/Caddyfile"], 18.6),
  registry: [["/entrypoint.sh"], ["/etc/docker/registry/config.yml"], 9.9],
  tomcat: run(["catalina.sh", "run"], 190.8),
  jetty: entry("java", 240.2),
  wordpress: entry("apache2-foreground", 250.3),
  ghost: entry("node", 210.5),
  drupal: run(["apache2-foreground"], 180.4),
  nextcloud: [["/entrypoint.sh"], ["apache2-foreground"], 420.1],
  elasticsearch: [["/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"], ["eswrapper"], 640.2],
  kibana: [["/bin/tini", "--"], ["/usr/local/bin/kibana-docker"], 480.3],
  logstash: [["/usr/local/bin/docker-entrypoint"], [], 420.7],
  zookeeper: [["/docker-entrypoint.sh"], ["zkServer.sh", "start-foreground"], 150.2],
  cassandra: entry("cassandra", 160.8),
  couchdb: [["tini", "--", "/docker-entrypoint.sh"], ["/opt/couchdb/bin/couchdb"], 110.5],
  influxdb: [["/entrypoint.sh"], ["influxd"], 130.6],
  telegraf: [["/entrypoint.sh"], ["telegraf"], 90.4],
  neo4j: [["tini", "-g", "--", "/startup/docker-entrypoint.sh"], ["neo4j"], 300.3],
  solr: run(["solr-foreground"], 330.9),
  sonarqube: [["/opt/sonarqube/docker/entrypoint.sh"], [], 420.6],
  nats: [["/nats-server"], ["--config", "nats-server.conf"], 6.2],
  consul: [["docker-entrypoint.sh"], ["agent", "-dev", "-client", "0.0.0.0"], 60.3],
  vault: [["docker-entrypoint.sh"], ["server", "-dev"], 140.2],
  varnish: [["/usr/local/bin/docker-varnish-entrypoint"], [], 95.1],
  adminer: entry("php", 40.5),
  phpmyadmin: [["/docker-entrypoint.sh"], ["apache2-foreground"], 190.2],
  "mongo-express": [["/sbin/tini", "--", "/docker-entrypoint.sh"], ["mongo-express"], 60.2],
  "eclipse-mosquitto": [
    ["/docker-entrypoint.sh"],
    ["/usr/sbin/mosquitto", "-c", "/mosquitto/config/mosquitto.conf"],
    4.6,
  ],
  unit: run(["unitd", "--no-daemon", "--control", "unix:/var/run/control.unit.sock"], 70.3),
  busybox: sh(4.3),
  alpine: [[], ["/bin/sh"], 3.6],
  centos: bash(79.7),
  ubuntu: bash(29.7),
  debian: [[], ["bash"], 48.5],
  fedora: bash(60.2),
  rockylinux: bash(70.1),
  almalinux: bash(68.4),
  oraclelinux: bash(82.3),
  amazonlinux: bash(62.8),
  archlinux: bash(140.3),
  photon: bash(15.4),
  bash: [["docker-entrypoint.sh"], ["bash"], 6.4],
  "buildpack-deps": [[], ["bash"], 320.5],
  python: run(["python3"], 370.1),
  pypy: run(["pypy3"], 280.4),
  node: entry("node", 390.2),
  golang: [[], ["bash"], 300.6],
  ruby: run(["irb"], 380.3),
  perl: run(["perl5.40.0", "-de0"], 330.2),
  php: [["docker-php-entrypoint"], ["php", "-a"], 190.1],
  openjdk: run(["jshell"], 330.4),
  "eclipse-temurin": [["/__cacert_entrypoint.sh"], ["jshell"], 190.2],
  amazoncorretto: run(["jshell"], 210.7),
  gcc: [[], ["bash"], 480.6],
  rust: [[], ["bash"], 560.2],
  maven: [["/usr/local/bin/mvn-entrypoint.sh"], ["mvn"], 320.7],
  gradle: [[], ["gradle"], 380.4],
  erlang: run(["erl"], 480.1),
  elixir: run(["iex"], 520.3),
  julia: run(["julia"], 290.5),
  haskell: run(["ghci"], 700.8),
  clojure: run(["lein", "repl"], 300.2),
  groovy: run(["groovysh"], 260.1),
  "r-base": run(["R"], 320.3),
  swift: [[], ["/bin/bash"], 790.4],
  docker: [["dockerd-entrypoint.sh"], [], 130.3],
  "hello-world": run(["/hello"], 0.01),
};

/** Images outside library/ that the simulation knows what they run. */
const known: Record<string, Entry> = {
  "docker.io/curlimages/curl": [["/entrypoint.sh"], ["curl"], 9.4],
  "docker.io/nicolaka/netshoot": [[], ["zsh"], 200.3],
  "registry.k8s.io/pause": [["/pause"], [], 0.3],
  "registry.k8s.io/e2e-test-images/agnhost": [["/agnhost"], ["pause"], 51.2],
  "registry.k8s.io/etcd": [[], ["/usr/local/bin/etcd"], 57.1],
  "registry.k8s.io/busybox": sh(1.1),
  "k8s.gcr.io/busybox": sh(1.1),
  "gcr.io/google-samples/hello-app": run(["./hello-app"], 4.3),
  "gcr.io/google-samples/kubernetes-bootcamp": [[], ["/bin/sh", "-c", "node server.js"], 78.2],
};

/** SHA-256 hex digests by text: the same few names are hashed on every pull. Bounded. */
const digests = new Map<string, string>();

function hex(text: string): string {
  let digest = digests.get(text);
  if (digest === undefined) {
    digest = createHash("sha256").update(text).digest("hex");
    if (digests.size >= 1024) digests.delete(digests.keys().next().value as string);
    digests.set(text, digest);
  }
  return digest;
}

function resolveFailure(name: string, ref: ImageRef): string {
  const host = ref.domain.replace(/:\d+$/, "");
  const port = /:(\d+)$/.exec(ref.domain)?.[1] ?? "443";
  const url = `https://${ref.domain}/v2/${ref.path}/manifests/${ref.tag || ref.digest}`;
  const dial =
    host === "localhost" || /^[\d.]+$/.test(host) || host.startsWith("[")
      ? `dial tcp ${host === "localhost" ? "127.0.0.1" : host}:${port}: connect: connection refused`
      : `dial tcp: lookup ${host}: no such host`;
  return `rpc error: code = Unknown desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": failed to do request: Head "${url}": ${dial}`;
}

function accessDenied(name: string): string {
  return `rpc error: code = Unknown desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
}

function tagNotFound(name: string): string {
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": ${name}: not found`;
}

function infoOf(ref: ImageRef): ImageInfo | null {
  const repo = `${ref.domain === "registry-1.docker.io" ? "docker.io" : ref.domain}/${ref.path}`;
  const library = repo.startsWith("docker.io/library/") ? repo.slice("docker.io/library/".length) : null;
  const found = library !== null ? official[library] : known[repo];
  if (found) {
    const [entrypoint, cmd, mb, requiresEnv] = found;
    // A few hundred bytes of the name's hash, so sizes read like real ones rather than round numbers.
    return {
      repo,
      entrypoint,
      cmd,
      size: Math.round(mb * 1_000_000) + (parseInt(hex(repo).slice(0, 4), 16) % 1000),
      ...(requiresEnv ? { requiresEnv } : {}),
    };
  }
  if (library !== null) return null;
  // An image we know nothing of runs some program of its own, and keeps running.
  return {
    repo,
    entrypoint: ["/app"],
    cmd: [],
    size: 20_000_000 + (parseInt(hex(repo).slice(0, 8), 16) % 280_000_000),
  };
}

/** Pulls an image from the simulated registries (the rule is at the top of this file). */
export function pullImage(image: string): PullResult {
  const ref = parseImageRef(image);
  if (typeof ref === "string")
    return {
      ok: false,
      reason: "InvalidImageName",
      message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${ref}`,
    };
  const name = normalizedImage(ref);
  if (!registries.has(ref.domain))
    return { ok: false, reason: "ErrImagePull", message: resolveFailure(name, ref) };
  if (missing.test(ref.path)) return { ok: false, reason: "ErrImagePull", message: accessDenied(name) };
  if (missing.test(ref.tag)) return { ok: false, reason: "ErrImagePull", message: tagNotFound(name) };
  const info = infoOf(ref);
  if (!info) return { ok: false, reason: "ErrImagePull", message: accessDenied(name) };
  const digest = ref.digest || `sha256:${hex(`${ref.domain}/${ref.path}:${ref.tag}`)}`;
  return { ok: true, image: name, imageID: `${ref.domain}/${ref.path}@${digest}`, info };
}
