import { InMemoryFs } from "just-bash";
import type { Database } from "../db/connection.ts";
import {
  type FileBudget,
  type FileUsage,
  loadFiles,
  loadFilesWithUsage,
  type StoredFile,
  saveFiles,
} from "../db/pods/files.ts";
import { readNetworkWorld } from "../db/pods/network-read.ts";
import { pullImage } from "../kube/runtime/images.ts";
import { type ContainerSetup, freshRoot } from "../kube/runtime/shell/container.ts";
import { type DiskSpace, onDisk } from "../kube/runtime/shell/disk-space.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { keptUntil, layerScope, mainScope, runId, statusesOf } from "./container-refs.ts";
import { containerEnv } from "./env.ts";
import type { FileReadCache, FileReaderFactory } from "./file-reader.ts";
import { sandboxObjects } from "./objects.ts";
import { changes, dumpTree, fillTree, layerOf, notLayered } from "./trees.ts";
import { containerMounts, serviceAccountTree, type VolumeTree, volumeTree } from "./volumes.ts";

/**
 * One container of a pod, opened for a request: its world put together from storage (its
 * writable layer over the image, the pod's volumes, its environment), and a `save` that writes
 * back what the request's processes changed. Any API instance can open it: nothing is kept in
 * memory between requests.
 */
export interface OpenedContainer {
  setup: ContainerSetup;
  /** The run's container ID (without "containerd://"), "" when it has none. */
  containerId: string;
  /** When the run started, in ms (0 when not running). */
  startedMs: number;
  /**
   * Writes back the layer's and the stored volumes' changes; false when some were left out,
   * past the budget the container was opened with.
   */
  save(): Promise<boolean>;
  /** Up to when what the run's main process wrote was kept (pods/main-files.ts), as loaded; null: not kept. */
  mainKeptUntil: number | null;
}

/** The entries of an image's tree (with the kubelet's files), which never change: kept per image and pod. */
const imageDumps = new Map<string, StoredFile[]>();
async function imageEntries(root: InMemoryFs, key: string): Promise<StoredFile[]> {
  const kept = imageDumps.get(key);
  if (kept) return kept;
  const entries = await dumpTree(root);
  if (imageDumps.size >= 500) imageDumps.delete(imageDumps.keys().next().value as string);
  imageDumps.set(key, entries);
  return entries;
}

/**
 * Opens a container for a request at `nowMs`: its root is the image, what its main process
 * wrote (pods/main-files.ts) and its own layer over it, and `save` writes the own layer. With
 * `layer`, the root is the image and that one scope, which `save` writes (what the main
 * process writes, evaluated from its start). `fileReader` serves the files of the servers its
 * commands reach (pods/file-reader.ts says why it is handed in). With `budget` (a request that
 * writes), its writes to the layer and the stored volumes are bounded by what the pod and the
 * sandbox may still keep (pods/file-budget.ts), read with the pod's files.
 */
export async function openContainer(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  nowMs: number,
  options: { layer?: string; fileReader: FileReaderFactory; budget?: FileBudget },
): Promise<OpenedContainer> {
  const pull = pullImage(container.image ?? "");
  if (!pull.ok) throw new Error(`image ${container.image} cannot be pulled`);
  const status = statusesOf(pod).find((s) => s.name === container.name);
  const containerId = runId(status?.containerID);
  const startedMs =
    Date.parse(status?.state?.running?.startedAt ?? status?.state?.terminated?.startedAt ?? "") || 0;
  const objects = sandboxObjects(database, sandboxId);
  const podUid = pod.metadata.uid ?? "";
  // The reads are independent: the volumes' objects, the environment's, the token's CA.
  const mounted = (pod.spec?.volumes ?? []).filter((v) =>
    (container.volumeMounts ?? []).some((m) => m.name === v.name),
  );
  const [made, env, sa] = await Promise.all([
    Promise.all(mounted.map((v) => volumeTree(pod, container, v, objects, nowMs))),
    containerEnv(pod, container, objects, startedMs || nowMs),
    serviceAccountTree(pod, objects, nowMs),
  ]);
  const trees = new Map<string, VolumeTree>();
  mounted.forEach((v, i) => {
    const t = made[i];
    if (t) trees.set(v.name, t);
  });
  // The stored trees: the container's layer and its emptyDir and hostPath volumes.
  const ownScope = options.layer ?? layerScope(container.name, containerId);
  const below = options.layer ? null : mainScope(container.name, containerId);
  const byPod = new Map<string, string[]>([[podUid, below ? [ownScope, below] : [ownScope]]]);
  for (const t of trees.values())
    if (t.stored) byPod.set(t.stored.podUid, [...(byPod.get(t.stored.podUid) ?? []), t.stored.scope]);
  const loaded = new Map<string, StoredFile[]>();
  let usage: FileUsage | null = null;
  const scopesByPod = await Promise.all(
    [...byPod].map(async ([uid, scopes]) => {
      if (uid !== podUid || !options.budget)
        return [uid, await loadFiles(database.sql, sandboxId, uid, scopes)] as const;
      const read = await loadFilesWithUsage(database.sql, sandboxId, uid, scopes);
      usage = read.usage;
      return [uid, read.files] as const;
    }),
  );
  for (const [uid, files] of scopesByPod) for (const [scope, f] of files) loaded.set(`${uid} ${scope}`, f);
  for (const t of trees.values())
    if (t.stored) await fillTree(t.fs, loaded.get(`${t.stored.podUid} ${t.stored.scope}`) ?? []);
  // The network each command of the request reads, and the files of the servers it reaches
  // (read once per request: kept across its commands).
  const fileCache: FileReadCache = new Map();
  const network = async () => {
    const world = await readNetworkWorld(database, sandboxId);
    return {
      world,
      readFile: options.fileReader(database, sandboxId, world, { nowMs: () => nowMs, cache: fileCache }),
    };
  };
  const base = { sandbox: sandboxId, pod, container, info: pull.info, env, objects, network };
  const root = freshRoot(base) as InMemoryFs;
  let image = await imageEntries(
    root,
    `${pull.info.repo} ${pod.metadata.name} ${pod.spec?.hostname} ${pod.status?.podIP} ${pod.metadata.namespace}`,
  );
  // What the main process wrote lies under the own layer, which holds only what differs from it.
  // (Its marker, "/", says only that it was kept.)
  const mainLoaded = below ? (loaded.get(`${podUid} ${below}`) ?? []) : [];
  const mainLayer = mainLoaded.filter((e) => e.path !== "/");
  if (mainLayer.length) {
    await fillTree(root, mainLayer);
    image = await dumpTree(root);
  }
  const layer = loaded.get(`${podUid} ${ownScope}`) ?? [];
  await fillTree(root, layer);
  const { mounts, infos } = await containerMounts(container, trees, sa);
  const budget = options.budget;
  const space = budget && usage ? roomLeft(budget, usage) : null;
  const stored = new Set([...trees.values()].filter((t) => t.stored).map((t) => t.fs));
  return {
    setup: {
      ...base,
      root: space ? onDisk(root, space, inNoLayer) : root,
      mounts: space
        ? mounts.map((m) => (stored.has(m.fs as InMemoryFs) ? { ...m, fs: onDisk(m.fs, space) } : m))
        : mounts,
      mountInfos: infos,
    },
    containerId,
    startedMs,
    mainKeptUntil: keptUntil(mainLoaded.find((e) => e.path === "/")),
    async save() {
      let all = true;
      if (containerId) {
        const change = changes(layer, layerOf(image, await dumpTree(root)));
        all = await saveFiles(database.sql, sandboxId, podUid, ownScope, change.put, change.removed, budget);
      }
      for (const t of trees.values()) {
        if (!t.stored || !(t.fs instanceof InMemoryFs)) continue;
        const before = loaded.get(`${t.stored.podUid} ${t.stored.scope}`) ?? [];
        const change = changes(before, await dumpTree(t.fs));
        const { podUid: owner, scope } = t.stored;
        if (!(await saveFiles(database.sql, sandboxId, owner, scope, change.put, change.removed, budget)))
          all = false;
      }
      return all;
    },
  };
}

/** What a request may still write: the smaller room of the pod's budget and the sandbox's. */
function roomLeft(budget: FileBudget, usage: FileUsage): DiskSpace {
  const left = Math.min(budget.podBytes - usage.podBytes, budget.sandboxBytes - usage.sandboxBytes);
  return { left: Math.max(0, left) };
}

/** Writes that are in no layer: /proc, /dev, and the command stubs just-bash writes as it starts. */
function inNoLayer(path: string, content: unknown): boolean {
  const bytes = content instanceof Uint8Array ? content : new TextEncoder().encode(String(content ?? ""));
  return notLayered({ path, kind: "file", content: bytes });
}
