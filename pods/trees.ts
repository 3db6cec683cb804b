import type { InMemoryFs } from "just-bash";
import type { StoredFile } from "../db/pods/files.ts";

/**
 * Stored entries into an in-memory tree and back: how a container's layer and its emptyDir and
 * hostPath volumes travel between storage and just-bash's filesystem for one request.
 */

/** Writes stored entries into a tree (whiteouts delete what the image had). */
export async function fillTree(fs: InMemoryFs, entries: StoredFile[]): Promise<void> {
  const sorted = [...entries].sort((a, b) => a.path.length - b.path.length);
  for (const e of sorted) {
    if (e.kind === "whiteout") {
      await fs.rm(e.path, { recursive: true, force: true });
      continue;
    }
    if (e.kind === "dir") fs.mkdirSync(e.path, { recursive: true });
    else {
      fs.mkdirSync(e.path.slice(0, e.path.lastIndexOf("/")) || "/", { recursive: true });
      fs.writeFileSync(e.path, e.content);
    }
    await fs.chmod(e.path, e.mode);
  }
}

/** Every entry of a tree (directories and files; the root left out). */
export async function dumpTree(fs: InMemoryFs): Promise<StoredFile[]> {
  const out: StoredFile[] = [];
  for (const path of fs.getAllPaths()) {
    if (path === "/") continue;
    const st = await fs.lstat(path);
    if (st.isDirectory) out.push({ path, kind: "dir", mode: st.mode & 0o7777, content: new Uint8Array() });
    else if (st.isFile)
      out.push({ path, kind: "file", mode: st.mode & 0o7777, content: await fs.readFileBuffer(path) });
  }
  return out;
}

function same(a: StoredFile, b: StoredFile): boolean {
  if (a.kind !== b.kind || a.mode !== b.mode || a.content.length !== b.content.length) return false;
  for (let i = 0; i < a.content.length; i++) if (a.content[i] !== b.content[i]) return false;
  return true;
}

/** What to write so that `stored` becomes `wanted`: entries to put, paths to remove. */
export function changes(
  stored: StoredFile[],
  wanted: StoredFile[],
): { put: StoredFile[]; removed: string[] } {
  const before = new Map(stored.map((e) => [e.path, e]));
  const after = new Map(wanted.map((e) => [e.path, e]));
  const put = wanted.filter((e) => {
    const b = before.get(e.path);
    return !b || !same(b, e);
  });
  const removed = stored.filter((e) => !after.has(e.path)).map((e) => e.path);
  return { put, removed };
}

/**
 * Whether an entry belongs to no layer: what just-bash writes for every evaluation (a stub at
 * /bin/NAME and /usr/bin/NAME per command it registers), and /proc and /dev, which are a
 * container's procfs and tmpfs, not its layer.
 */
export function notLayered(e: Pick<StoredFile, "path" | "kind" | "content">): boolean {
  if (/^\/(?:proc|dev)(?:\/|$)/.test(e.path)) return true;
  const m = /^\/(?:usr\/)?bin\/([^/]+)$/.exec(e.path);
  if (!m || e.kind !== "file" || e.content.length > 200) return false;
  return Buffer.from(e.content).toString("latin1") === `#!/bin/bash\n# Built-in command: ${m[1]}\n`;
}

/**
 * A layer: what differs in `now` from the image's `base` (changed and new entries, and
 * whiteouts for the image's entries that are gone), less what is in no layer.
 */
export function layerOf(base: StoredFile[], now: StoredFile[]): StoredFile[] {
  const image = new Map(base.map((e) => [e.path, e]));
  const present = new Set(now.map((e) => e.path));
  const layer = now.filter((e) => {
    const b = image.get(e.path);
    return (!b || !same(b, e)) && !notLayered(e);
  });
  for (const e of base)
    if (!present.has(e.path) && !notLayered(e))
      layer.push({ path: e.path, kind: "whiteout", mode: 0, content: new Uint8Array() });
  return layer;
}
