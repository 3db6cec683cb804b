import type { QueuedJob } from "../../db/queue.ts";
import type { Written } from "../../db/store/writer.ts";
import { rootCaConfigMap } from "../../kube/bootstrap/root-ca.ts";
import { serviceAccountTask } from "./jobs.ts";

function namespaceJob(namespace: string): QueuedJob {
  return serviceAccountTask.job({ namespace });
}

/** A namespace created: it gets its `default` ServiceAccount and the root CA ConfigMap. */
export function namespaceAdded(w: Written): QueuedJob[] {
  return w.type === "ADDED" ? [namespaceJob(w.name)] : [];
}

/** The `default` ServiceAccount deleted: the service account controller makes it again. */
export function serviceAccountWritten(w: Written): QueuedJob[] {
  return w.type === "DELETED" && w.name === "default" ? [namespaceJob(w.namespace)] : [];
}

/** The root CA ConfigMap deleted or changed: the publisher puts it back as it was. */
export function configMapWritten(w: Written): QueuedJob[] {
  return w.type !== "ADDED" && w.name === rootCaConfigMap ? [namespaceJob(w.namespace)] : [];
}

/** The service account controller's and the root CA publisher's trigger rules. */
export const serviceAccountTriggers = {
  namespaces: [namespaceAdded],
  serviceaccounts: [serviceAccountWritten],
  configmaps: [configMapWritten],
};
