import { type FieldError, required } from "../../errors.ts";
import { age } from "../../go/human-duration.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import { formatLabels } from "../../selectors/label-selector.ts";
import type { ReplicationController } from "../../types/core-v1.ts";
import { type Json, record } from "../../validation/json.ts";
import { defineKind } from "../kind.ts";
import {
  column,
  containerCells,
  containerColumns,
  defaultReplicas,
  defaultTemplate,
  nonNegative,
  replicaScale,
  specOf,
  specReplicas,
  templateLabels,
  validateTemplateForReplicas,
} from "../workload/spec.ts";

/** Whether a plain-map selector selects the labels; null when it is empty (selects everything). */
function mapSelectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> = {},
): boolean | null {
  const entries = Object.entries(selector);
  if (!entries.length) return null;
  return entries.every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === String(v));
}

/** SetDefaults_ReplicationController: selector and labels from the template's labels when empty; one replica. */
function defaults(obj: KubeObject): void {
  const spec = specOf(obj);
  const labels = templateLabels(spec);
  if (labels) {
    if (!isPlainObject(spec.selector) || !Object.keys(spec.selector).length) spec.selector = { ...labels };
    if (!Object.keys(obj.metadata.labels ?? {}).length) obj.metadata.labels = { ...labels };
  }
  defaultReplicas(spec);
  defaultTemplate(spec, { kind: "ReplicationController" });
}

/** ValidateReplicationControllerSpec. */
function validate(obj: KubeObject): FieldError[] {
  const spec = specOf(obj) as Json;
  const selector = record(spec.selector) as Record<string, string>;
  const errors = nonNegative(spec.minReadySeconds, "spec.minReadySeconds");
  if (!Object.keys(selector).length) errors.push(required("spec.selector"));
  errors.push(...nonNegative(spec.replicas, "spec.replicas"));
  errors.push(
    ...validateTemplateForReplicas(
      spec,
      mapSelectorMatches(selector, templateLabels(spec)),
      "ReplicationController",
    ),
  );
  return errors;
}

/** The selector as a label selector string, for the scale subresource: sorted `k=v`. */
function selectorString(rc: ReplicationController): string {
  return Object.entries(rc.spec?.selector ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** core/v1 ReplicationController: defaults from its template, status owned by the server, scalable. */
export const replicationControllerKind = defineKind<ReplicationController>({
  apiVersion: "v1",
  resource: "replicationcontrollers",
  kind: "ReplicationController",
  namespaced: true,
  shortNames: ["rc"],
  categories: ["all"],
  subresources: ["status", "scale"],
  hasSpec: true,
  // core/v1 keeps the behaviour from before server-side garbage collection: orphan the pods.
  defaultGarbageCollectionPolicy: "OrphanDependents",
  scale: replicaScale(selectorString),
  printer: {
    columns: [
      nameColumn,
      column(
        "Desired",
        "integer",
        "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
      ),
      column(
        "Current",
        "integer",
        "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
      ),
      column("Ready", "integer", "The number of ready replicas for this replication controller."),
      ageColumn,
      ...containerColumns,
      column(
        "Selector",
        "string",
        "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        1,
      ),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      specReplicas(obj),
      obj.status?.replicas ?? 0,
      obj.status?.readyReplicas ?? 0,
      age(obj.metadata.creationTimestamp, now),
      ...containerCells(obj.spec?.template),
      formatLabels(obj.spec?.selector),
    ],
  },
  defaults,
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  validate,
});
