import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import { formatLabelSelector, labelSelectorString } from "../../selectors/label-selector.ts";
import type { ReplicaSet } from "../../types/apps-v1.ts";
import { record } from "../../validation/json.ts";
import { defineKind } from "../kind.ts";
import { validateSelectorAndTemplate, validateSelectorUnchanged } from "../workload/apps-selector.ts";
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
} from "../workload/spec.ts";

/** apps/v1 ReplicaSet: a required, immutable selector matching its template; status owned by the server. */
export const replicaSetKind = defineKind<ReplicaSet>({
  apiVersion: "apps/v1",
  resource: "replicasets",
  kind: "ReplicaSet",
  namespaced: true,
  shortNames: ["rs"],
  categories: ["all"],
  subresources: ["status", "scale"],
  hasSpec: true,
  scale: replicaScale((obj) => labelSelectorString(obj.spec?.selector)),
  printer: {
    columns: [
      nameColumn,
      column(
        "Desired",
        "integer",
        "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
      ),
      column(
        "Current",
        "integer",
        "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
      ),
      column("Ready", "integer", "The number of ready replicas for this replica set."),
      ageColumn,
      ...containerColumns,
      column(
        "Selector",
        "string",
        "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
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
      formatLabelSelector(obj.spec?.selector),
    ],
  },
  defaults(obj) {
    const spec = specOf(obj);
    defaultReplicas(spec);
    defaultTemplate(spec, { kind: "ReplicaSet" });
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  validate(obj) {
    const spec = specOf(obj);
    return [
      ...nonNegative(spec.replicas, "spec.replicas"),
      ...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"),
      ...validateSelectorAndTemplate(spec),
    ];
  },
  validateUpdate(obj, old) {
    return validateSelectorUnchanged(specOf(obj), record(old.spec));
  },
});
