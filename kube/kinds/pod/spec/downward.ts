import { type FieldError, invalidValue, notSupported, required } from "../../../errors.ts";
import { qualifiedNameProblems } from "../../../meta/labels.ts";
import { type Json, text } from "../../../validation/json.ts";

/** Pod fields an env var may read through fieldRef. */
export const envFieldPaths = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];

/** Pod fields a downwardAPI volume file may hold. */
export const volumeFieldPaths = [
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
];

/** Container resources an env var or file may read through resourceFieldRef. */
export const resourceFieldPaths = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];

const convertible = new Set([
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.restartPolicy",
  "spec.serviceAccountName",
  "spec.schedulerName",
  "status.phase",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
]);

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']` → path and subscript. */
function splitSubscript(fieldPath: string): { path: string; subscript: string } | null {
  if (!fieldPath.endsWith("']")) return null;
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return null;
  return { path: inner.slice(0, at), subscript: inner.slice(at + 2) };
}

/** validateObjectFieldSelector: apiVersion and fieldPath set, and the path one the pod offers. */
export function validateObjectFieldSelector(fs: Json, supported: string[], path: string): FieldError[] {
  const apiVersion = text(fs.apiVersion);
  const fieldPath = text(fs.fieldPath);
  if (!apiVersion) return [required(`${path}.apiVersion`)];
  if (!fieldPath) return [required(`${path}.fieldPath`)];
  const split = splitSubscript(fieldPath);
  let problem = "";
  if (apiVersion !== "v1") problem = `unsupported pod version: ${apiVersion}`;
  else if (split && split.path !== "metadata.annotations" && split.path !== "metadata.labels")
    problem = `field label does not support subscript: ${fieldPath}`;
  else if (!split && !convertible.has(fieldPath) && fieldPath !== "spec.host")
    problem = `field label not supported: ${fieldPath}`;
  if (problem)
    return [invalidValue(`${path}.fieldPath`, fieldPath, `error converting fieldPath: ${problem}`)];
  if (split) {
    const key = split.path === "metadata.annotations" ? split.subscript.toLowerCase() : split.subscript;
    return qualifiedNameProblems(key).map((p) => invalidValue(path, key, p));
  }
  const internal = fieldPath === "spec.host" ? "spec.nodeName" : fieldPath;
  return supported.includes(internal) ? [] : [notSupported(`${path}.fieldPath`, internal, supported)];
}

/** validateContainerResourceFieldSelector: a container (for files) and a resource it can read. */
export function validateResourceFieldSelector(fs: Json, path: string, volume: boolean): FieldError[] {
  const resource = text(fs.resource);
  if (volume && !text(fs.containerName)) return [required(`${path}.containerName`)];
  if (!resource) return [required(`${path}.resource`)];
  if (resourceFieldPaths.includes(resource)) return [];
  if (resource.startsWith("requests.hugepages-") || resource.startsWith("limits.hugepages-")) return [];
  return [notSupported(`${path}.resource`, resource, resourceFieldPaths)];
}
