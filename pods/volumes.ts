import { InMemoryFs } from "just-bash";
import { hostPathOwner } from "../db/pods/rows.ts";
import { nodeMemoryBytes } from "../kube/runtime/shell/container.ts";
import type { Mount } from "../kube/runtime/shell/filesystem.ts";
import { ReadOnlyFs } from "../kube/runtime/shell/filesystem.ts";
import type { MountInfo, ReadObjects } from "../kube/runtime/shell/world.ts";
import type { Container, Pod, Volume } from "../kube/types/core-v1.ts";
import { allData, dataOf, podField, resourceField } from "./env.ts";
import { dumpTree } from "./trees.ts";

/**
 * The pod's volumes as a container mounts them: secret, configMap, downwardAPI and projected
 * volumes made from the objects for this request (read-only; a secret's plaintext only in
 * memory, never stored), emptyDir and hostPath trees kept in storage (scopes the caller loads
 * and saves), and the service account's token at its usual path.
 */

/** A volume's tree and how df shows it. */
export interface VolumeTree {
  fs: InMemoryFs;
  /** Where it is kept (emptyDir, hostPath), or null when it is made for each request. */
  stored: { podUid: string; scope: string } | null;
  info: Omit<MountInfo, "path" | "readOnly">;
}

/** Where the service account's token is mounted, as the API server's admission adds it. */
export const serviceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

function fileMode(mode: number | undefined, fallback: number | undefined): number {
  return mode ?? fallback ?? 0o644;
}

function tree(files: Record<string, { content: string; mode: number }>): ReadOnlyFs {
  const fs = new ReadOnlyFs();
  for (const [path, f] of Object.entries(files)) {
    const abs = `/${path}`;
    fs.mkdirSync(abs.slice(0, abs.lastIndexOf("/")) || "/", { recursive: true });
    fs.writeFileSync(abs, f.content, undefined, { mode: f.mode });
  }
  return fs;
}

/** The files of a key→value source, through `items` when given (path and mode per key). */
function keyFiles(
  data: Record<string, string>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number | undefined,
): Record<string, { content: string; mode: number }> {
  const out: Record<string, { content: string; mode: number }> = {};
  if (items?.length) {
    for (const item of items)
      if (data[item.key] !== undefined)
        out[item.path] = { content: data[item.key] as string, mode: fileMode(item.mode, defaultMode) };
  } else
    for (const [k, v] of Object.entries(data))
      out[k] = { content: v, mode: fileMode(undefined, defaultMode) };
  return out;
}

function tmpfs(bytes: number, used: number): VolumeTree["info"] {
  return { source: "tmpfs", type: "tmpfs", sizeBytes: bytes, usedBytes: used };
}

const disk = { source: "/dev/vda1", type: "ext4", sizeBytes: 100 * 1024 ** 3, usedBytes: 23 * 1024 ** 3 };

/** A tmpfs's size: the pod's memory limit when every container has one, else the node's memory. */
function podMemory(pod: Pod): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const limit = (c.resources?.limits as Record<string, string> | undefined)?.memory;
    if (!limit) return nodeMemoryBytes;
    total += Number(resourceField(c, "limits.memory"));
  }
  return total || nodeMemoryBytes;
}

function used(files: Record<string, { content: string }>): number {
  return Object.values(files).reduce(
    (n, f) => n + Math.max(4096, Math.ceil(f.content.length / 4096) * 4096),
    0,
  );
}

/** A fake but well-formed service-account token (a JWT whose claims name the pod). */
function saToken(pod: Pod, nowMs: number): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const iat = Math.floor(nowMs / 1000);
  const ns = pod.metadata.namespace ?? "default";
  const sa = pod.spec?.serviceAccountName || "default";
  return `${b64({ alg: "RS256", kid: "kubesandbox" })}.${b64({
    aud: ["https://kubernetes.default.svc.cluster.local"],
    exp: iat + 3607,
    iat,
    iss: "https://kubernetes.default.svc.cluster.local",
    "kubernetes.io": {
      namespace: ns,
      pod: { name: pod.metadata.name, uid: pod.metadata.uid },
      serviceaccount: { name: sa },
    },
    nbf: iat,
    sub: `system:serviceaccount:${ns}:${sa}`,
  })}.${Buffer.from(`${pod.metadata.uid}:${iat}`).toString("base64url")}`;
}

async function rootCA(objects: ReadObjects, namespace: string): Promise<string> {
  return (
    dataOf(await objects.get({ resource: "configmaps", namespace, name: "kube-root-ca.crt" }), "ca.crt") ?? ""
  );
}

/** The files of a projected volume's sources. */
async function projected(
  pod: Pod,
  container: Container,
  volume: NonNullable<Volume["projected"]>,
  objects: ReadObjects,
  nowMs: number,
): Promise<Record<string, { content: string; mode: number }>> {
  const ns = pod.metadata.namespace ?? "default";
  const out: Record<string, { content: string; mode: number }> = {};
  for (const source of volume.sources ?? []) {
    if (source.secret) {
      const s = await objects.get({ resource: "secrets", namespace: ns, name: source.secret.name ?? "" });
      Object.assign(out, keyFiles(allData(s), source.secret.items, volume.defaultMode));
    } else if (source.configMap) {
      const c = await objects.get({
        resource: "configmaps",
        namespace: ns,
        name: source.configMap.name ?? "",
      });
      Object.assign(out, keyFiles(allData(c), source.configMap.items, volume.defaultMode));
    } else if (source.downwardAPI)
      Object.assign(out, downward(pod, container, source.downwardAPI.items, volume.defaultMode));
    else if (source.serviceAccountToken)
      out[source.serviceAccountToken.path] = {
        content: saToken(pod, nowMs),
        mode: fileMode(undefined, volume.defaultMode),
      };
  }
  return out;
}

function downward(
  pod: Pod,
  container: Container,
  items: NonNullable<Volume["downwardAPI"]>["items"],
  defaultMode: number | undefined,
): Record<string, { content: string; mode: number }> {
  const out: Record<string, { content: string; mode: number }> = {};
  for (const item of items ?? []) {
    const content = item.fieldRef
      ? podField(pod, item.fieldRef.fieldPath)
      : item.resourceFieldRef
        ? resourceField(
            (pod.spec?.containers ?? []).find((c) => c.name === item.resourceFieldRef?.containerName) ??
              container,
            item.resourceFieldRef.resource,
            String(item.resourceFieldRef.divisor ?? "1"),
          )
        : "";
    out[item.path] = { content, mode: fileMode(item.mode, defaultMode) };
  }
  return out;
}

/** A volume's tree for this request; stored trees come back empty, for the caller to fill. */
export async function volumeTree(
  pod: Pod,
  container: Container,
  volume: Volume,
  objects: ReadObjects,
  nowMs: number,
): Promise<VolumeTree | null> {
  const ns = pod.metadata.namespace ?? "default";
  const uid = pod.metadata.uid ?? "";
  if (volume.emptyDir) {
    const memory = volume.emptyDir.medium === "Memory";
    return {
      fs: new InMemoryFs(),
      stored: { podUid: uid, scope: `v/${volume.name}` },
      info: memory ? tmpfs(podMemory(pod), 0) : disk,
    };
  }
  if (volume.hostPath)
    return {
      fs: new InMemoryFs(),
      stored: { podUid: hostPathOwner(pod.spec?.nodeName ?? ""), scope: `h/${volume.hostPath.path}` },
      info: disk,
    };
  if (volume.secret) {
    const s = await objects.get({ resource: "secrets", namespace: ns, name: volume.secret.secretName ?? "" });
    const files = keyFiles(allData(s), volume.secret.items, volume.secret.defaultMode);
    return { fs: tree(files), stored: null, info: tmpfs(podMemory(pod), used(files)) };
  }
  if (volume.configMap) {
    const c = await objects.get({ resource: "configmaps", namespace: ns, name: volume.configMap.name ?? "" });
    const files = keyFiles(allData(c), volume.configMap.items, volume.configMap.defaultMode);
    return { fs: tree(files), stored: null, info: disk };
  }
  if (volume.downwardAPI) {
    const files = downward(pod, container, volume.downwardAPI.items, volume.downwardAPI.defaultMode);
    return { fs: tree(files), stored: null, info: disk };
  }
  if (volume.projected) {
    const files = await projected(pod, container, volume.projected, objects, nowMs);
    return { fs: tree(files), stored: null, info: tmpfs(podMemory(pod), used(files)) };
  }
  return null;
}

/** The service account's token, CA and namespace, unless the pod or its account opts out. */
export async function serviceAccountTree(
  pod: Pod,
  objects: ReadObjects,
  nowMs: number,
): Promise<VolumeTree | null> {
  if (pod.spec?.automountServiceAccountToken === false) return null;
  const ns = pod.metadata.namespace ?? "default";
  const files = {
    token: { content: saToken(pod, nowMs), mode: 0o644 },
    "ca.crt": { content: await rootCA(objects, ns), mode: 0o644 },
    namespace: { content: ns, mode: 0o644 },
  };
  return { fs: tree(files), stored: null, info: tmpfs(podMemory(pod), used(files)) };
}

/** The mounts of a container, given the trees of the pod's volumes by name. */
export async function containerMounts(
  container: Container,
  trees: Map<string, VolumeTree>,
  serviceAccount: VolumeTree | null,
): Promise<{ mounts: Mount[]; infos: MountInfo[] }> {
  const mounts: Mount[] = [];
  const infos: MountInfo[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const t = trees.get(vm.name);
    if (!t || vm.subPath) continue;
    const readOnly = vm.readOnly === true || t.stored === null;
    // A stored tree mounted readOnly is seen through a read-only copy.
    const fs = readOnly && t.stored ? await readOnlyCopy(t.fs) : t.fs;
    mounts.push({ path: vm.mountPath, fs });
    infos.push({ ...t.info, path: vm.mountPath, readOnly });
  }
  if (serviceAccount && !mounts.some((m) => m.path === serviceAccountPath)) {
    mounts.push({ path: serviceAccountPath, fs: serviceAccount.fs });
    infos.push({ ...serviceAccount.info, path: serviceAccountPath, readOnly: true });
  }
  return { mounts, infos };
}

async function readOnlyCopy(fs: InMemoryFs): Promise<ReadOnlyFs> {
  const copy = new ReadOnlyFs();
  for (const e of await dumpTree(fs)) {
    if (e.kind === "dir") copy.mkdirSync(e.path, { recursive: true });
    else {
      copy.mkdirSync(e.path.slice(0, e.path.lastIndexOf("/")) || "/", { recursive: true });
      copy.writeFileSync(e.path, e.content);
    }
  }
  return copy;
}
