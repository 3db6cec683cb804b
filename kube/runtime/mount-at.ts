import type { Container } from "../types/core-v1.ts";

/**
 * Which of a container's volume mounts holds a path: the deepest mount at or above it, as the
 * kernel resolves a path through mount points. Mounts of a subPath are left out, as the shell
 * leaves them out (pods/volumes.ts, containerMounts).
 */

/** A path resolved to a volume: its name, where it is mounted, and the path inside it ("/…"). */
export interface VolumePath {
  volume: string;
  mountPath: string;
  inside: string;
}

/** A mount path without trailing slashes ("/" stays). */
export function trimmed(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** Of `mounts`, the deepest mounted at or above `path` (absolute), with where (trimmed); null when none is. */
export function deepestMount<M>(
  mounts: readonly M[],
  mountPath: (mount: M) => string,
  path: string,
): { mount: M; at: string } | null {
  let best: { mount: M; at: string } | null = null;
  for (const mount of mounts) {
    const at = trimmed(mountPath(mount));
    const under = at === "/" || path === at || path.startsWith(`${at}/`);
    if (under && (!best || best.at.length < at.length)) best = { mount, at };
  }
  return best;
}

/** The volume holding `path` in the container, or null when the path is in its own layer. */
export function volumeAt(container: Container, path: string): VolumePath | null {
  const mounts = (container.volumeMounts ?? []).filter((m) => !m.subPath);
  const hit = deepestMount(mounts, (m) => m.mountPath, path);
  if (!hit) return null;
  return {
    volume: hit.mount.name,
    mountPath: hit.at,
    inside: path === hit.at ? "/" : path.slice(hit.at === "/" ? 0 : hit.at.length),
  };
}

/** Where a volume's path is seen in a container that mounts it too (not by subPath), or null. */
export function pathInContainer(container: Container, volume: string, inside: string): string | null {
  const m = (container.volumeMounts ?? []).find((v) => v.name === volume && !v.subPath);
  if (!m) return null;
  const at = trimmed(m.mountPath);
  if (inside === "/") return at;
  return at === "/" ? inside : `${at}${inside}`;
}
