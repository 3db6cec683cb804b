import type { ContainerRef } from "../../network/context.ts";
import type { NetworkWorld } from "../../network/world.ts";
import type { KubeObject } from "../../object.ts";
import type { ObjectKey } from "../../object-store.ts";
import type { Container, Pod } from "../../types/core-v1.ts";
import type { VirtualClock } from "./clock.ts";

/**
 * What a process inside a simulated container can see of its world: its pod and container, the
 * sandbox's objects (read only), the clock, the mounts, and a way to write to a container's log.
 * Custom commands (commands/index.ts) get it with every call; nothing in it reaches the host,
 * the network or another sandbox.
 */
export interface PodWorld {
  /** The sandbox the pod lives in. */
  sandbox: string;
  /** The pod, with its status (podIP, hostIP) as last written. */
  pod: Pod;
  /** The container this process runs in. */
  container: Container;
  /** The simulated time: `sleep` advances it, `date` reads it. */
  clock: VirtualClock;
  /** The sandbox's objects, read only (services, endpoints, other pods, nodes…). */
  objects: ReadObjects;
  /**
   * Appends a line to a container's log at the clock's time: a server's access log, say.
   * Lines are kept only when the step that wrote them completes, and written once however
   * often the step is evaluated again.
   */
  log(target: LogTarget, text: string, stream?: "stdout" | "stderr"): void;
  /**
   * Writes to the output of the process running this command, at once: a server's start-up
   * lines, which it prints before it settles down to serve until the horizon.
   */
  print(stream: "stdout" | "stderr", text: string): void;
  /** The processes `ps` lists: the container's main process first. */
  processes: ProcessInfo[];
  /** The container's mounts, for `df` and `mount`. */
  mounts: MountInfo[];
  /**
   * The sandbox's network read for one command, with the reader of the files the servers it
   * reaches serve; absent, the network is built from `objects` and servers serve their images'.
   */
  network?(): Promise<NetworkRead>;
}

/** The network as one command reads it. */
export interface NetworkRead {
  world: NetworkWorld;
  /** Reads a file of a container (what its server serves), null when there is none. */
  readFile?(target: ContainerRef, path: string): Promise<string | null>;
}

/** The sandbox's objects as a process may read them. */
export interface ReadObjects {
  /** One object, or null. */
  get(key: ObjectKey): Promise<KubeObject | null>;
  /** Every object of a storage resource ("pods", "services", "endpoints") in a namespace (all when null). */
  list(resource: string, namespace: string | null): Promise<KubeObject[]>;
}

/** A container's log: its pod (by namespace and name) and its name. */
export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** A log line someone else's process wrote, at a simulated time. */
export interface LogAppend {
  target: LogTarget;
  atMs: number;
  stream: "stdout" | "stderr";
  text: string;
}

/** A process as `ps` shows it. */
export interface ProcessInfo {
  pid: number;
  argv: string[];
  startedMs: number;
}

/** One mount of the container, as `df` and `mount` show it. */
export interface MountInfo {
  /** "overlay", "tmpfs", "/dev/vda1", "shm". */
  source: string;
  /** "overlay", "tmpfs", "ext4". */
  type: string;
  path: string;
  readOnly: boolean;
  /** Size and use, in bytes. */
  sizeBytes: number;
  usedBytes: number;
}

/** No objects: a world not yet given the sandbox's (plans made from the spec alone). */
export const noObjects: ReadObjects = {
  get: async () => null,
  list: async () => [],
};
