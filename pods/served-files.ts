import type { Database } from "../db/connection.ts";
import { readEntries, type StoredFile } from "../db/pods/files.ts";
import type { NetworkWorld } from "../kube/network/world.ts";
import { volumeAt } from "../kube/runtime/mount-at.ts";
import { imageFileText } from "../kube/runtime/shell/filesystem.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { containersOf, layerScope, mainScope, runId, statusesOf } from "./container-refs.ts";
import type { ContainerFileReader, FileReadCache } from "./file-reader.ts";
import { keepingMainFiles, keepMainFiles, servedLagMs } from "./main-files.ts";
import { sandboxObjects } from "./objects.ts";
import { volumeTree } from "./volumes.ts";

/**
 * A file of a container as its server reads it (nginx's html root, httpd's htdocs): the
 * container's own layer over what its main process wrote over the image's file, or the volume
 * mounted there (an emptyDir or hostPath as stored, a configMap or secret made from its object).
 * Built on the network's read: the pod's object comes from it, and a pod it knows nobody wrote
 * to is served its image's file with no read at all. Contents are latin1 text, a character a
 * byte, as servers send them.
 */

export type { ContainerFileReader, FileReadCache };

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

/** The path and every directory above it, "/" left out. */
function selfAndParents(path: string): string[] {
  const out: string[] = [];
  for (let p = path; p.length > 1; p = p.slice(0, p.lastIndexOf("/")) || "/") out.push(p);
  return out;
}

/**
 * The file at `path` in layers, the top one first: its entry in the first layer that has one,
 * unless a layer above removed a directory it is in (a whiteout). Undefined when no layer says.
 */
export function fromLayers(layers: StoredFile[][], path: string): string | null | undefined {
  const parents = selfAndParents(path).slice(1);
  for (const layer of layers) {
    const own = layer.find((e) => e.path === path);
    if (own) return own.kind === "file" ? latin1(own.content) : null;
    if (layer.some((e) => e.kind === "whiteout" && parents.includes(e.path))) return null;
  }
  return undefined;
}

async function readFile(
  database: Database,
  sandboxId: string,
  world: NetworkWorld,
  pod: Pod,
  container: Container,
  path: string,
  nowMs: number,
): Promise<string | null> {
  const uid = pod.metadata.uid ?? "";
  // What the pod's main processes wrote is kept first (up to a few seconds ago), unless this
  // read is made by such an evaluation itself; a pod the read knew had no files has none kept yet.
  const kept =
    !keepingMainFiles() &&
    (await keepMainFiles(
      database,
      sandboxId,
      pod,
      nowMs,
      world.written?.has(uid) === false ? new Map() : undefined,
      containerFileReader,
      servedLagMs,
    ));
  const unwritten = (owner: string) => !kept && world.written !== undefined && !world.written.has(owner);
  const at = volumeAt(container, path);
  const volume = at ? (pod.spec?.volumes ?? []).find((v) => v.name === at.volume) : undefined;
  if (at && volume) {
    // An emptyDir or hostPath is as stored (its tree comes back empty, without a read); the
    // others are made from their objects.
    const tree = await volumeTree(pod, container, volume, sandboxObjects(database, sandboxId), nowMs);
    if (!tree) return null;
    if (tree.stored) {
      const { podUid: owner, scope } = tree.stored;
      if (unwritten(owner)) return null;
      const [entry] = await readEntries(database.sql, sandboxId, [{ owner, scope, paths: [at.inside] }]);
      return entry?.kind === "file" ? latin1(entry.content) : null;
    }
    try {
      return latin1(await tree.fs.readFileBuffer(at.inside));
    } catch {
      return null;
    }
  }
  const status = statusesOf(pod).find((s) => s.name === container.name);
  const id = runId(status?.containerID);
  if (id && !unwritten(uid)) {
    const own = layerScope(container.name, id);
    const main = mainScope(container.name, id);
    const entries = await readEntries(database.sql, sandboxId, [
      { owner: uid, scope: own, paths: selfAndParents(path) },
      { owner: uid, scope: main, paths: selfAndParents(path) },
    ]);
    const found = fromLayers(
      [entries.filter((e) => e.scope === own), entries.filter((e) => e.scope === main)],
      path,
    );
    if (found !== undefined) return found;
  }
  return imageFileText(pod, container.image ?? "", path);
}

/**
 * The reader of the containers' files for servers reached over a network built from `world`,
 * at the clock's time. With `cache`, what was read is kept there (across the commands of an
 * evaluation); without, every request reads anew (a keep-alive connection through
 * port-forward sees the page edited between two requests).
 */
export function containerFileReader(
  database: Database,
  sandboxId: string,
  world: NetworkWorld,
  options: { nowMs(): number; cache?: FileReadCache },
): ContainerFileReader {
  const { cache } = options;
  return (target, path) => {
    const pod = world.podObjects.get(`${target.namespace}/${target.pod}`);
    const container = pod ? containersOf(pod).find((c) => c.name === target.container) : undefined;
    if (!pod || !container) return Promise.resolve(null);
    if (!cache) return readFile(database, sandboxId, world, pod, container, path, options.nowMs());
    const status = statusesOf(pod).find((s) => s.name === container.name);
    const key = `${pod.metadata.uid}/${container.name}/${runId(status?.containerID)}\u0000${path}`;
    let read = cache.get(key);
    if (!read) {
      read = readFile(database, sandboxId, world, pod, container, path, options.nowMs());
      if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
      cache.set(key, read);
    }
    return read;
  };
}
