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

function trimmed(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The volume holding `path` in the container, or null when the path is in its own layer. */
export function volumeAt(container: Container, path: string): VolumePath | null {
  let best: VolumePath | null = null;
  for (const m of container.volumeMounts ?? []) {
    if (m.subPath) continue;
    const at = trimmed(m.mountPath);
    const under = at === "/" || path === at || path.startsWith(`${at}/`);
    if (!under || (best && best.mountPath.length >= at.length)) continue;
    best = {
      volume: m.name,
      mountPath: at,
      inside: path === at ? "/" : path.slice(at === "/" ? 0 : at.length),
    };
  }
  return best;
}

/** Where a volume's path is seen in a container that mounts it too (not by subPath), or null. */
export function pathInContainer(container: Container, volume: string, inside: string): string | null {
  const m = (container.volumeMounts ?? []).find((v) => v.name === volume && !v.subPath);
  if (!m) return null;
  const at = trimmed(m.mountPath);
  if (inside === "/") return at;
  return at === "/" ? inside : `${at}${inside}`;
}
