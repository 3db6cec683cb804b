import type { ContainerView } from "../../network/world.ts";
import { normalizeImage } from "../image-ref.ts";
import {
  agnhostArgv,
  agnhostGrpcHealth,
  agnhostGrpcPort,
  agnhostNetexec,
  agnhostServeHostname,
  binaryServers,
  bootcamp,
  etcd,
  helloApp,
  httpApps,
  unknownApp,
} from "./apps.ts";
import { httpd } from "./httpd.ts";
import { nginx } from "./nginx.ts";
import { redis } from "./redis.ts";
import type { SimulatedServer } from "./types.ts";

/**
 * Which server a container runs, and on which ports: its image's server when the container runs
 * the image's own program (no `command`, or a command naming that program), nothing for images
 * that serve nothing (busybox, centos, …), and for images the catalogue does not know, an app
 * listening on the ports the pod declares.
 */

/** The programs that start each image's server, as a `command` may name them. */
const servers: Record<string, { server: SimulatedServer; programs: string[] }> = {
  nginx: { server: nginx, programs: ["nginx", "/docker-entrypoint.sh", "docker-entrypoint.sh"] },
  httpd: { server: httpd, programs: ["httpd-foreground", "httpd", "apachectl"] },
  redis: { server: redis, programs: ["redis-server", "docker-entrypoint.sh"] },
  ...Object.fromEntries(
    Object.entries({ ...httpApps, ...binaryServers }).map(([image, server]) => [
      image,
      { server, programs: [server.name, "docker-entrypoint.sh", "/docker-entrypoint.sh", "/entrypoint.sh"] },
    ]),
  ),
  "gcr.io/google-samples/hello-app": { server: helloApp, programs: ["./hello-app", "/hello-app"] },
  "gcr.io/google-samples/kubernetes-bootcamp": { server: bootcamp, programs: ["node", "/bin/sh"] },
  "registry.k8s.io/etcd": { server: etcd, programs: ["etcd", "/usr/local/bin/etcd"] },
};

/** Images that run no server of their own (shells, tools, language runtimes, pause). */
const quiet = new Set(
  (
    "busybox alpine centos ubuntu debian fedora rockylinux almalinux oraclelinux amazonlinux archlinux photon " +
    "bash buildpack-deps python pypy node golang ruby perl php openjdk eclipse-temurin amazoncorretto gcc rust " +
    "maven gradle erlang elixir julia haskell clojure groovy r-base swift docker hello-world " +
    "docker.io/curlimages/curl docker.io/nicolaka/netshoot registry.k8s.io/pause registry.k8s.io/busybox k8s.gcr.io/busybox"
  ).split(" "),
);

/** The catalogue's name of an image: `nginx` for docker.io/library/nginx:1.27, else its repository. */
export function catalogueName(image: string): string {
  const withoutTag = normalizeImage(image)
    .replace(/@.*$/, "")
    .replace(/:[^/:]*$/, "");
  if (withoutTag.startsWith("docker.io/library/")) return withoutTag.slice("docker.io/library/".length);
  return withoutTag;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A server of a container, listening on its ports. */
export interface Listener {
  server: SimulatedServer;
  ports: number[];
}

/** What listens in a container (regardless of whether it runs now), or null. */
export function listenerOf(container: ContainerView): Listener | null {
  const name = catalogueName(container.image);
  if (name === "registry.k8s.io/e2e-test-images/agnhost") return agnhostListener(container);
  const known = servers[name];
  if (known) {
    const program = container.command?.[0];
    if (program !== undefined && !known.programs.some((p) => basename(p) === basename(program))) return null;
    return { server: known.server, ports: known.server.ports };
  }
  if (quiet.has(name)) return null;
  const declared = container.ports.filter((p) => p.protocol === "TCP").map((p) => p.containerPort);
  return declared.length ? { server: unknownApp, ports: declared } : null;
}

/** agnhost serves what its first argument names. */
function agnhostListener(container: ContainerView): Listener | null {
  const all = agnhostArgv(container);
  if (all.includes("grpc-health-checking"))
    return { server: agnhostGrpcHealth, ports: [agnhostGrpcPort(all)] };
  if (all.includes("serve-hostname")) return { server: agnhostServeHostname, ports: [9376] };
  if (all.includes("netexec")) {
    const port = Number(/--http-port=(\d+)/.exec(all.join(" "))?.[1] ?? 8080);
    return { server: agnhostNetexec, ports: [port] };
  }
  return null;
}
