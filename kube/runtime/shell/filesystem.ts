import { type IFileSystem, InMemoryFs, MountableFs } from "just-bash";
import type { Pod } from "../../types/core-v1.ts";
import { type ImageFile, imageFiles } from "../image-files.ts";
import { type ImageInfo, pullImage } from "../images.ts";
import { isRefusedWrite, ReadOnlyError } from "./refused-writes.ts";

/**
 * A container's filesystem as just-bash sees it: the image's files with the container's
 * writable layer over them (one in-memory tree, loaded from and saved to storage by the
 * caller), and the pod's volumes mounted at their paths.
 */

/** A filesystem mounted into the container. */
export interface Mount {
  path: string;
  fs: IFileSystem;
}

/** What the kubelet writes into every container: /etc/hosts, /etc/hostname, /etc/resolv.conf. */
export function kubeletFiles(
  hostname: string,
  podIP: string,
  namespace: string,
  subdomain?: string,
): Record<string, ImageFile> {
  const fqdn = subdomain ? `${hostname}.${subdomain}.${namespace}.svc.cluster.local\t${hostname}` : hostname;
  return {
    "/etc/hostname": { content: `${hostname}\n`, mode: 0o644 },
    "/etc/hosts": {
      content: `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${podIP ? `${podIP}\t${fqdn}\n` : ""}`,
      mode: 0o644,
    },
    "/etc/resolv.conf": {
      content: `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
      mode: 0o644,
    },
  };
}

/**
 * A file as a pod's image has it (with the kubelet's /etc files), as latin1 text (a character a
 * byte, as servers send it), or null: what a server serves from a container nobody wrote to.
 */
export function imageFileText(pod: Pod, image: string, path: string): string | null {
  const pull = pullImage(image);
  if (!pull.ok || path.endsWith("/.keep")) return null;
  const hostname = pod.spec?.hostname || pod.metadata.name || "localhost";
  const file =
    imageFiles(pull.info)[path] ??
    kubeletFiles(hostname, pod.status?.podIP ?? "", pod.metadata.namespace ?? "default", pod.spec?.subdomain)[
      path
    ];
  return file ? Buffer.from(file.content, "utf8").toString("latin1") : null;
}

/** The directories every image has. */
const skeleton = [
  "/bin",
  "/usr/bin",
  "/usr/local/bin",
  "/usr/sbin",
  "/sbin",
  "/etc",
  "/root",
  "/tmp",
  "/var/log",
  "/home",
  "/dev",
  "/proc",
  "/mnt",
  "/opt",
  "/srv",
];

/** The image's tree (base files and the kubelet's), before any layer. */
export function imageTree(info: ImageInfo, extra: Record<string, ImageFile> = {}): InMemoryFs {
  const fs = new InMemoryFs();
  for (const dir of skeleton) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync("/dev/null", "");
  for (const [path, file] of Object.entries({ ...imageFiles(info), ...extra })) {
    if (path.endsWith("/.keep")) {
      fs.mkdirSync(path.slice(0, -"/.keep".length), { recursive: true });
      continue;
    }
    fs.mkdirSync(path.slice(0, path.lastIndexOf("/")) || "/", { recursive: true });
    fs.writeFileSync(path, file.content);
    void fs.chmod(path, file.mode);
  }
  return fs;
}

/** The container's filesystem: its root tree, with mounts over it. */
export function containerFs(root: IFileSystem, mounts: Mount[]): MountableFs {
  return new MountableFs({
    base: root,
    mounts: mounts.map((m) => ({ mountPoint: m.path, filesystem: namingFromRoot(m.fs, m.path) })),
  });
}

/**
 * A mount's tree whose refused writes name their path as the container does: the tree is
 * given paths inside the mount ("/a" for /etc/cfg/a), and a shell's message names the whole.
 */
function namingFromRoot(fs: IFileSystem, mountPoint: string): IFileSystem {
  const at = mountPoint.replace(/\/+$/, "");
  return new Proxy(fs, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const named = (e: unknown) => {
          if (isRefusedWrite(e)) e.path = e.path === "/" ? at || "/" : `${at}${e.path}`;
          throw e;
        };
        const r = value.apply(target, args);
        return r instanceof Promise ? r.catch(named) : r;
      };
    },
  });
}

/** A tree that refuses writes (secret, configMap, downwardAPI and projected volumes, readOnly mounts). */
export class ReadOnlyFs extends InMemoryFs {
  override async writeFile(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async appendFile(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async createExclusive(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async mkdir(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async rm(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async mv(_src: string, dest: string): Promise<void> {
    throw new ReadOnlyError(dest);
  }
  override async chmod(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async utimes(path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async symlink(_t: string, path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async link(_s: string, path: string): Promise<void> {
    throw new ReadOnlyError(path);
  }
  override async cp(_s: string, dest: string): Promise<void> {
    throw new ReadOnlyError(dest);
  }
}
