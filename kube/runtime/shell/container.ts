import type { IFileSystem } from "just-bash";
import type { Container, Pod } from "../../types/core-v1.ts";
import { imagePath } from "../image-files.ts";
import type { ImageInfo } from "../images.ts";
import type { EvaluationInput } from "./evaluate.ts";
import type { Mount } from "./filesystem.ts";
import { imageTree, kubeletFiles } from "./filesystem.ts";
import { argvScript, containerArgv } from "./program.ts";
import { type MountInfo, noObjects, type PodWorld, type ReadObjects } from "./world.ts";

/**
 * The evaluation of one container's main process, put together from its pod, its spec and its
 * image: the script, the environment the runtime gives it, its root and mounts.
 */

/** The node's root disk, as df shows the overlay and the kubelet's mounts on it. */
const nodeDisk = { size: 100 * 1024 ** 3, used: 23 * 1024 ** 3 };
/** The node's memory, which a tmpfs without a limit is sized by. */
export const nodeMemoryBytes = 8 * 1024 ** 3;

/** The mounts every container has, before its volumes. */
export function baseMounts(): MountInfo[] {
  return [
    {
      source: "overlay",
      type: "overlay",
      path: "/",
      readOnly: false,
      sizeBytes: nodeDisk.size,
      usedBytes: nodeDisk.used,
    },
    {
      source: "tmpfs",
      type: "tmpfs",
      path: "/dev",
      readOnly: false,
      sizeBytes: 64 * 1024 ** 2,
      usedBytes: 0,
    },
    {
      source: "shm",
      type: "tmpfs",
      path: "/dev/shm",
      readOnly: false,
      sizeBytes: 64 * 1024 ** 2,
      usedBytes: 0,
    },
    {
      source: "/dev/vda1",
      type: "ext4",
      path: "/etc/hosts",
      readOnly: false,
      sizeBytes: nodeDisk.size,
      usedBytes: nodeDisk.used,
    },
  ];
}

/** What the caller adds: volumes, the env it resolved, the sandbox's objects. */
export interface ContainerSetup {
  sandbox: string;
  pod: Pod;
  container: Container;
  info: ImageInfo;
  /** The container's variables as the kubelet resolved them (env, envFrom, service variables). */
  env?: Record<string, string>;
  /** The container's root: the image's tree with its writable layer, when the caller keeps one. */
  root?: IFileSystem;
  mounts?: Mount[];
  mountInfos?: MountInfo[];
  objects?: ReadObjects;
  /** The network read for each command, with the containers' files (PodWorld.network). */
  network?: PodWorld["network"];
}

/** The environment the runtime starts the process with: the image's, the pod's, the kubelet's. */
export function processEnv(setup: ContainerSetup): Record<string, string> {
  const hostname = setup.pod.spec?.hostname || setup.pod.metadata.name || "localhost";
  const literal: Record<string, string> = {};
  for (const e of setup.container.env ?? []) if (e.value !== undefined) literal[e.name] = e.value;
  return {
    PATH: imagePath,
    HOSTNAME: hostname,
    ...(setup.env ?? literal),
    HOME: "/root",
  };
}

/** The root tree of a container with no layer kept: the image and the kubelet's files. */
export function freshRoot(setup: ContainerSetup): IFileSystem {
  const hostname = setup.pod.spec?.hostname || setup.pod.metadata.name || "localhost";
  return imageTree(
    setup.info,
    kubeletFiles(
      hostname,
      setup.pod.status?.podIP ?? "",
      setup.pod.metadata.namespace ?? "default",
      setup.pod.spec?.subdomain,
    ),
  );
}

/** The evaluation input of the container's main process, from `startMs` to `horizonMs`. */
export function mainProcess(setup: ContainerSetup, startMs: number, horizonMs: number): EvaluationInput {
  const argv = containerArgv(setup.container, setup.info);
  return {
    world: {
      sandbox: setup.sandbox,
      pod: setup.pod,
      container: setup.container,
      objects: setup.objects ?? noObjects,
      processes: [{ pid: 1, argv, startedMs: startMs }],
      mounts: [...baseMounts(), ...(setup.mountInfos ?? [])],
      ...(setup.network ? { network: setup.network } : {}),
    },
    script: argvScript(argv, setup.container.stdin === true),
    startMs,
    horizonMs,
    root: setup.root ?? freshRoot(setup),
    mounts: setup.mounts ?? [],
    env: processEnv(setup),
    cwd: setup.container.workingDir || "/",
  };
}
