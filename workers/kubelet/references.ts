import type { SandboxWriter } from "../../db/store/writer.ts";
import { configMapKind } from "../../kube/kinds/configmap/index.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { secretKind } from "../../kube/kinds/secret/index.ts";
import type { Container, KeyToPath, Pod, PodSpec, Volume } from "../../kube/types/core-v1.ts";

/**
 * What a pod needs from its namespace's Secrets and ConfigMaps before its containers can run,
 * and what is missing: volumes the kubelet cannot set up (the pod stays ContainerCreating, with
 * FailedMount events) and, per container, the env a container's config cannot be made from
 * (CreateContainerConfigError). Texts as the 1.32 kubelet words them. Optional references to
 * missing objects or keys are no error, as in Kubernetes.
 */
export interface References {
  /** FailedMount messages, one per volume that cannot be set up. */
  failedMounts: string[];
  /** Container name → why its config cannot be generated. */
  configErrors: Map<string, string>;
}

export const noReferences: References = { failedMounts: [], configErrors: new Map() };

type Source = "secret" | "configmap";

const resourceOf: Record<Source, string> = { secret: "secrets", configmap: "configmaps" };
const kindOf: Record<Source, string> = { secret: "Secret", configmap: "ConfigMap" };

/** The keys of an object's data (and binaryData), or null when it does not exist. */
type Lookup = (source: Source, name: string) => Promise<Set<string> | null>;

function lookupIn(w: SandboxWriter, namespace: string): Lookup {
  const seen = new Map<string, Promise<Set<string> | null>>();
  return (source, name) => {
    const id = `${source}/${name}`;
    let found = seen.get(id);
    if (!found) {
      // A Secret is opened in memory for this check only; only its key names leave here.
      found = w.get({ resource: resourceOf[source], namespace, name }).then((o) => {
        if (!o) return null;
        if (source === "secret") return new Set(Object.keys(viewAs(secretKind, o).data ?? {}));
        const configMap = viewAs(configMapKind, o);
        return new Set([...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})]);
      });
      seen.set(id, found);
    }
    return found;
  };
}

/** What a volume mounts from a Secret or ConfigMap, if it does. */
function volumeReference(
  volume: Volume,
): { source: Source; name: string; optional?: boolean; items?: KeyToPath[] } | null {
  if (volume.secret) {
    const { secretName, optional, items } = volume.secret;
    return { source: "secret", name: secretName ?? "", optional, items };
  }
  if (volume.configMap) {
    const { name, optional, items } = volume.configMap;
    return { source: "configmap", name: name ?? "", optional, items };
  }
  return null;
}

async function volumeError(volume: Volume, lookup: Lookup): Promise<string | null> {
  const ref = volumeReference(volume);
  if (!ref) return null;
  const { source, name } = ref;
  if (ref.optional === true) return null;
  const keys = await lookup(source, name);
  const prefix = `MountVolume.SetUp failed for volume "${volume.name}" : `;
  if (!keys) return `${prefix}${source} "${name}" not found`;
  for (const item of ref.items ?? [])
    if (!keys.has(item.key))
      return source === "secret"
        ? `${prefix}references non-existent secret key: ${item.key}`
        : `${prefix}configmap references non-existent config key: ${item.key}`;
  return null;
}

async function envError(container: Container, namespace: string, lookup: Lookup): Promise<string | null> {
  for (const from of container.envFrom ?? []) {
    for (const source of ["secret", "configmap"] as const) {
      const ref = source === "secret" ? from.secretRef : from.configMapRef;
      if (!ref || !Object.keys(ref).length || ref.optional === true) continue;
      const name = ref.name ?? "";
      if (!(await lookup(source, name))) return `${source} "${name}" not found`;
    }
  }
  for (const env of container.env ?? []) {
    for (const source of ["secret", "configmap"] as const) {
      const ref = source === "secret" ? env.valueFrom?.secretKeyRef : env.valueFrom?.configMapKeyRef;
      if (!ref || !Object.keys(ref).length) continue;
      const name = ref.name ?? "";
      const keys = await lookup(source, name);
      if (ref.optional === true && !keys?.has(ref.key)) continue;
      if (!keys) return `${source} "${name}" not found`;
      if (!keys.has(ref.key)) return `couldn't find key ${ref.key} in ${kindOf[source]} ${namespace}/${name}`;
    }
  }
  return null;
}

/** Whether the pod names any Secret or ConfigMap (most pods do not, and need no reads). */
function referencesAny(spec: PodSpec): boolean {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return (
    (spec.volumes ?? []).some((v) => v.secret || v.configMap) ||
    containers.some(
      (c) =>
        (c.envFrom ?? []).length > 0 ||
        (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef || e.valueFrom?.configMapKeyRef),
    )
  );
}

/** Checks the pod's references against its namespace, in the kubelet's transaction. */
export async function checkReferences(w: SandboxWriter, pod: Pod): Promise<References> {
  const spec = pod.spec ?? {};
  if (!referencesAny(spec)) return noReferences;
  const namespace = pod.metadata.namespace ?? "";
  const lookup = lookupIn(w, namespace);
  const failedMounts: string[] = [];
  for (const volume of spec.volumes ?? []) {
    const error = await volumeError(volume, lookup);
    if (error) failedMounts.push(error);
  }
  const configErrors = new Map<string, string>();
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const error = await envError(c, namespace, lookup);
    if (error) configErrors.set(c.name, error);
  }
  return { failedMounts, configErrors };
}
