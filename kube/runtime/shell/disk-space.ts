import type { IFileSystem } from "just-bash";
import { RefusedWriteError } from "./refused-writes.ts";

/**
 * The room left on a container's disk for one request: what the pod (and its sandbox) may still
 * keep of files (pods/file-budget.ts), shared by its writable layer and its stored volumes.
 * Writes through `onDisk` trees take from it, counted as storage counts them (blockBytes); a
 * write past it fails as on a full disk (ENOSPC), so a shell sees `No space left on device`
 * where it writes, and nothing past the budget reaches storage. The count is the request's own
 * estimate; storage checks again when the changes are saved (db/pods/files.ts).
 */

/** The allocation unit: du's and ext4's 4 KiB block. */
export const blockSize = 4096;

/** Bytes a stored entry of `length` content bytes takes: whole blocks, one at least. */
export function blockBytes(length: number): number {
  return Math.max(1, Math.ceil(length / blockSize)) * blockSize;
}

/** What a shell prints when a write of its own fails on a full disk (and the process ends). */
export const diskFullWriteError = "sh: write error: No space left on device\n";

/** The bytes a container's requests may still write. */
export interface DiskSpace {
  left: number;
}

/** The error of a write that does not fit: ENOSPC. */
export class DiskFullError extends RefusedWriteError {
  constructor(path: string) {
    super("ENOSPC", "No space left on device", path);
  }
}

const text = new TextEncoder();

function lengthOf(content: unknown): number {
  if (content instanceof Uint8Array) return content.byteLength;
  return typeof content === "string" ? text.encode(content).byteLength : 0;
}

/** The size of the file at `path`, or null when there is none. */
async function sizeOf(fs: IFileSystem, path: string): Promise<number | null> {
  try {
    const st = await fs.lstat(path);
    return st.isFile ? st.size : null;
  } catch {
    return null;
  }
}

/** The bytes a tree under `path` takes (a file's blocks; a directory's and all it holds). */
async function treeBytes(fs: IFileSystem, path: string): Promise<number> {
  const st = await fs.lstat(path).catch(() => null);
  if (!st) return 0;
  if (st.isFile) return blockBytes(st.size);
  if (!st.isDirectory) return 0;
  let bytes = blockSize;
  for (const name of await fs.readdir(path))
    bytes += await treeBytes(fs, `${path.replace(/\/$/, "")}/${name}`);
  return bytes;
}

/**
 * A tree whose writes take from `space`: a write or an append the growth of its file, a new
 * file or directory a block, a copy or a hard link what it copies. A removal gives nothing back
 * within the request (the tree cannot tell a stored file from the image's; the next request
 * reads what storage holds). `exempt` writes (by path and content: /proc, /dev, in no layer) are free.
 */
export function onDisk(
  fs: IFileSystem,
  space: DiskSpace,
  exempt: (path: string, content?: unknown) => boolean = () => false,
) {
  const take = (path: string, bytes: number) => {
    if (bytes > space.left) throw new DiskFullError(path);
    space.left -= bytes;
  };
  const charge: Record<string, (args: unknown[]) => Promise<[string, number]>> = {
    async writeFile([path, content]) {
      const p = String(path);
      const old = await sizeOf(fs, p);
      return [p, blockBytes(lengthOf(content)) - (old === null ? 0 : blockBytes(old))];
    },
    async appendFile([path, content]) {
      const p = String(path);
      const old = await sizeOf(fs, p);
      return [p, blockBytes((old ?? 0) + lengthOf(content)) - (old === null ? 0 : blockBytes(old))];
    },
    async mkdir([path]) {
      return [String(path), (await fs.exists(String(path))) ? 0 : blockSize];
    },
    async createExclusive([path]) {
      return [String(path), blockSize];
    },
    async cp([src, dest]) {
      return [String(dest), await treeBytes(fs, String(src))];
    },
    async link([src, dest]) {
      return [String(dest), await treeBytes(fs, String(src))];
    },
  };
  return new Proxy(fs, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      const cost = typeof key === "string" ? charge[key] : undefined;
      if (!cost) return (...args: unknown[]) => value.apply(target, args);
      return async (...args: unknown[]) => {
        const [path, bytes] = await cost(args);
        const taken = exempt(path, args[1]) ? 0 : bytes;
        take(path, taken);
        try {
          return await value.apply(target, args);
        } catch (e) {
          space.left += taken;
          throw e;
        }
      };
    },
  });
}
