import type { SandboxWriter } from "../../db/store/writer.ts";
import type { KubeObject } from "../../kube/object.ts";
import { type Json, record, records, text } from "../../kube/validation/json.ts";

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
      found = w
        .get({ resource: resourceOf[source], namespace, name })
        .then((o) =>
          o ? new Set([...Object.keys(record(o.data)), ...Object.keys(record(o.binaryData))]) : null,
        );
      seen.set(id, found);
    }
    return found;
  };
}

async function volumeError(volume: Json, lookup: Lookup): Promise<string | null> {
  const secret = record(volume.secret);
  const configMap = record(volume.configMap);
  const source: Source | null = volume.secret ? "secret" : volume.configMap ? "configmap" : null;
  if (!source) return null;
  const ref = source === "secret" ? secret : configMap;
  const name = text(source === "secret" ? ref.secretName : ref.name);
  if (ref.optional === true) return null;
  const keys = await lookup(source, name);
  const prefix = `MountVolume.SetUp failed for volume "${text(volume.name)}" : `;
  if (!keys) return `${prefix}${source} "${name}" not found`;
  for (const item of records(ref.items))
    if (!keys.has(text(item.key)))
      return source === "secret"
        ? `${prefix}references non-existent secret key: ${text(item.key)}`
        : `${prefix}configmap references non-existent config key: ${text(item.key)}`;
  return null;
}

async function envError(container: Json, namespace: string, lookup: Lookup): Promise<string | null> {
  for (const from of records(container.envFrom)) {
    for (const source of ["secret", "configmap"] as const) {
      const ref = record(source === "secret" ? from.secretRef : from.configMapRef);
      if (!Object.keys(ref).length || ref.optional === true) continue;
      if (!(await lookup(source, text(ref.name)))) return `${source} "${text(ref.name)}" not found`;
    }
  }
  for (const env of records(container.env)) {
    const valueFrom = record(env.valueFrom);
    for (const source of ["secret", "configmap"] as const) {
      const ref = record(source === "secret" ? valueFrom.secretKeyRef : valueFrom.configMapKeyRef);
      if (!Object.keys(ref).length) continue;
      const keys = await lookup(source, text(ref.name));
      if (ref.optional === true && !keys?.has(text(ref.key))) continue;
      if (!keys) return `${source} "${text(ref.name)}" not found`;
      if (!keys.has(text(ref.key)))
        return `couldn't find key ${text(ref.key)} in ${kindOf[source]} ${namespace}/${text(ref.name)}`;
    }
  }
  return null;
}

/** Whether the pod names any Secret or ConfigMap (most pods do not, and need no reads). */
function referencesAny(spec: Json): boolean {
  const containers = [...records(spec.initContainers), ...records(spec.containers)];
  return (
    records(spec.volumes).some((v) => v.secret || v.configMap) ||
    containers.some(
      (c) =>
        records(c.envFrom).length > 0 ||
        records(c.env).some((e) => record(e.valueFrom).secretKeyRef || record(e.valueFrom).configMapKeyRef),
    )
  );
}

/** Checks the pod's references against its namespace, in the kubelet's transaction. */
export async function checkReferences(w: SandboxWriter, pod: KubeObject): Promise<References> {
  const spec = record(pod.spec);
  if (!referencesAny(spec)) return noReferences;
  const namespace = pod.metadata.namespace ?? "";
  const lookup = lookupIn(w, namespace);
  const failedMounts: string[] = [];
  for (const volume of records(spec.volumes)) {
    const error = await volumeError(volume, lookup);
    if (error) failedMounts.push(error);
  }
  const configErrors = new Map<string, string>();
  for (const c of [...records(spec.initContainers), ...records(spec.containers)]) {
    const error = await envError(c, namespace, lookup);
    if (error) configErrors.set(text(c.name), error);
  }
  return { failedMounts, configErrors };
}
