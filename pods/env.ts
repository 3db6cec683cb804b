import type { KubeObject } from "../kube/object.ts";
import type { ReadObjects } from "../kube/runtime/shell/world.ts";
import type { Container, EnvVar, Pod } from "../kube/types/core-v1.ts";

/**
 * A container's environment as the kubelet makes it (kubelet_pods.go makeEnvironmentVariables):
 * the service variables of the services that existed when it started (the namespace's, when
 * enableServiceLinks, and the master service's), then envFrom, then env with $(VAR)
 * references expanded; secret and configMap keys read from the objects (a secret's plaintext
 * only in memory).
 */

interface Service {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string };
  spec?: { clusterIP?: string; ports?: { name?: string; port?: number; protocol?: string }[] };
}

/** The variables of one service: FOO_SERVICE_HOST, FOO_SERVICE_PORT, FOO_PORT… (envvars.go FromServices). */
export function serviceVariables(service: Service): Record<string, string> {
  const ip = service.spec?.clusterIP;
  const ports = service.spec?.ports ?? [];
  if (!ip || ip === "None" || !ports.length) return {};
  const name = (service.metadata?.name ?? "").toUpperCase().replace(/-/g, "_");
  const first = ports[0] as { port?: number; protocol?: string };
  const out: Record<string, string> = {
    [`${name}_SERVICE_HOST`]: ip,
    [`${name}_SERVICE_PORT`]: String(first.port ?? ""),
  };
  for (const p of ports)
    if (p.name) out[`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`] = String(p.port ?? "");
  const proto = (first.protocol ?? "TCP").toLowerCase();
  out[`${name}_PORT`] = `${proto}://${ip}:${first.port}`;
  for (const p of ports) {
    const pr = (p.protocol ?? "TCP").toUpperCase();
    const prefix = `${name}_PORT_${p.port}_${pr}`;
    out[prefix] = `${pr.toLowerCase()}://${ip}:${p.port}`;
    out[`${prefix}_PROTO`] = pr.toLowerCase();
    out[`${prefix}_PORT`] = String(p.port);
    out[`${prefix}_ADDR`] = ip;
  }
  return out;
}

/** A pod field a fieldRef names (metadata.name, metadata.labels['app'], status.podIP…). */
export function podField(pod: Pod, path: string): string {
  const labels = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (labels) return pod.metadata[labels[1] as "labels"]?.[labels[2] as string] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
    case "metadata.annotations": {
      const map = pod.metadata[path.slice(9) as "labels"] ?? {};
      return Object.entries(map)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}="${v}"`)
        .join("\n");
    }
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "default";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.hostIPs":
      return (pod.status?.hostIPs ?? []).map((i) => i.ip).join(",");
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return (pod.status?.podIPs ?? []).map((i) => i.ip).join(",");
    default:
      return "";
  }
}

/** A container resource a resourceFieldRef names, in the divisor's units (limits default to the node's). */
export function resourceField(container: Container, resource: string, divisor = "1"): string {
  const [kind, name] = resource.split(".") as ["limits" | "requests", string];
  const given = (container.resources?.[kind] as Record<string, string> | undefined)?.[name];
  const cpu = name === "cpu";
  const fallback = kind === "limits" ? (cpu ? "2" : "8Gi") : "0";
  const value = quantity(String(given ?? fallback));
  const div = quantity(divisor) || 1;
  return String(Math.ceil(value / div));
}

function quantity(q: string): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q);
  if (!m) return 0;
  const units: Record<string, number> = {
    "": 1,
    m: 0.001,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return Number(m[1]) * (units[m[2] as string] ?? 1);
}

/** A data key of a Secret (base64, decoded) or ConfigMap (data, else binaryData). */
export function dataOf(obj: KubeObject | null, key: string): string | undefined {
  if (!obj) return undefined;
  const body = obj as { kind?: string; data?: Record<string, string>; binaryData?: Record<string, string> };
  if (body.kind === "Secret") {
    const v = body.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8");
  }
  if (body.data?.[key] !== undefined) return body.data[key];
  const b = body.binaryData?.[key];
  return b === undefined ? undefined : Buffer.from(b, "base64").toString("utf8");
}

/** Every data key of a Secret or ConfigMap, decoded. */
export function allData(obj: KubeObject | null): Record<string, string> {
  if (!obj) return {};
  const body = obj as { data?: Record<string, string>; binaryData?: Record<string, string> };
  const out: Record<string, string> = {};
  for (const k of Object.keys({ ...body.binaryData, ...body.data })) out[k] = dataOf(obj, k) ?? "";
  return out;
}

/** $(VAR) expansion of env values (expansion.go): known names expand, $$ escapes, others stay. */
function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    m === "$$" ? "$" : name !== undefined && name in vars ? (vars[name] as string) : m,
  );
}

/** The container's environment, given when it started (for the service variables). */
export async function containerEnv(
  pod: Pod,
  container: Container,
  objects: ReadObjects,
  startedMs: number,
): Promise<Record<string, string>> {
  const namespace = pod.metadata.namespace ?? "default";
  const get = (resource: string, name: string) => objects.get({ resource, namespace, name });
  const vars: Record<string, string> = {};
  const before = (s: Service) => Date.parse(s.metadata?.creationTimestamp ?? "") <= startedMs;
  const services: Service[] = [];
  if (pod.spec?.enableServiceLinks !== false)
    services.push(...((await objects.list("services", namespace)) as Service[]));
  // The API server's own service, in every pod's environment: in the default namespace's list
  // already (a burst's pods there read no more), else read.
  if (namespace !== "default") {
    const key = { resource: "services", namespace: "default", name: "kubernetes" };
    const master = (await objects.get(key)) as Service | null;
    if (master) services.push(master);
  } else if (pod.spec?.enableServiceLinks === false) {
    const listed = (await objects.list("services", "default")) as Service[];
    services.push(...listed.filter((s) => s.metadata?.name === "kubernetes"));
  }
  for (const s of services)
    if (before(s) || s.metadata?.name === "kubernetes") Object.assign(vars, serviceVariables(s));
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    const source = from.secretRef
      ? await get("secrets", from.secretRef.name ?? "")
      : from.configMapRef
        ? await get("configmaps", from.configMapRef.name ?? "")
        : null;
    for (const [k, v] of Object.entries(allData(source))) vars[`${prefix}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    const value = await envValue(pod, container, e, vars, get);
    if (value !== undefined) vars[e.name] = value;
  }
  return vars;
}

async function envValue(
  pod: Pod,
  container: Container,
  e: EnvVar,
  vars: Record<string, string>,
  get: (resource: string, name: string) => Promise<KubeObject | null>,
): Promise<string | undefined> {
  if (e.value !== undefined) return expand(e.value, vars);
  const from = e.valueFrom;
  if (!from) return "";
  if (from.secretKeyRef)
    return dataOf(await get("secrets", from.secretKeyRef.name ?? ""), from.secretKeyRef.key);
  if (from.configMapKeyRef)
    return dataOf(await get("configmaps", from.configMapKeyRef.name ?? ""), from.configMapKeyRef.key);
  if (from.fieldRef) return podField(pod, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) {
    const target =
      (pod.spec?.containers ?? []).find(
        (c) => c.name === (from.resourceFieldRef?.containerName || container.name),
      ) ?? container;
    return resourceField(
      target,
      from.resourceFieldRef.resource,
      String(from.resourceFieldRef.divisor ?? "1"),
    );
  }
  return undefined;
}
