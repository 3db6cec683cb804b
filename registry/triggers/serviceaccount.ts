import type { Written } from "../../db/store.ts";
import { rootCaConfigMap } from "../root-ca.ts";
import type { Job } from "../triggers.ts";

/** The task that keeps a namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap. */
export const serviceAccountTask = "serviceaccount";

function namespaceJob(namespace: string): Job {
  return { task: serviceAccountTask, key: namespace, payload: { namespace } };
}

/** A namespace created: it gets its `default` ServiceAccount and the root CA ConfigMap. */
export function namespaceAdded(w: Written): Job[] {
  return w.type === "ADDED" ? [namespaceJob(w.name)] : [];
}

/** The `default` ServiceAccount deleted: the service account controller makes it again. */
export function serviceAccountWritten(w: Written): Job[] {
  return w.type === "DELETED" && w.name === "default" ? [namespaceJob(w.namespace)] : [];
}

/** The root CA ConfigMap deleted or changed: the publisher puts it back as it was. */
export function configMapWritten(w: Written): Job[] {
  return w.type !== "ADDED" && w.name === rootCaConfigMap ? [namespaceJob(w.namespace)] : [];
}
