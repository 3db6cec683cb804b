import { invalidValue } from "../../errors.ts";
import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import { labelSelectorString, validateLabelSelector } from "../../selectors/label-selector.ts";
import type { Deployment } from "../../types/apps-v1.ts";
import type { LabelSelector } from "../../types/meta-v1.ts";
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
import { defaultStrategy, validateStrategy } from "./strategy.ts";

/** The Selector cell: labels.Selector's String(), "<invalid>" for a malformed selector. */
function selectorCell(selector: LabelSelector | undefined): string {
  return validateLabelSelector(selector, "spec.selector").length
    ? "<invalid>"
    : labelSelectorString(selector);
}

/** apps/v1 Deployment: RollingUpdate 25%/25% by default, an immutable selector, status owned by the server. */
export const deploymentKind = defineKind<Deployment>({
  apiVersion: "apps/v1",
  resource: "deployments",
  kind: "Deployment",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  subresources: ["status", "scale"],
  hasSpec: true,
  scale: replicaScale((obj) => labelSelectorString(obj.spec?.selector)),
  printer: {
    columns: [
      nameColumn,
      column("Ready", "string", "Number of the pod with ready state"),
      column(
        "Up-to-date",
        "string",
        "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
      ),
      column(
        "Available",
        "string",
        "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
      ),
      ageColumn,
      ...containerColumns,
      column(
        "Selector",
        "string",
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
        1,
      ),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      `${obj.status?.readyReplicas ?? 0}/${specReplicas(obj)}`,
      obj.status?.updatedReplicas ?? 0,
      obj.status?.availableReplicas ?? 0,
      age(obj.metadata.creationTimestamp, now),
      ...containerCells(obj.spec?.template),
      selectorCell(obj.spec?.selector),
    ],
  },
  defaults(obj) {
    const spec = specOf(obj);
    defaultReplicas(spec);
    defaultStrategy(spec);
    if (typeof spec.revisionHistoryLimit !== "number") spec.revisionHistoryLimit = 10;
    if (typeof spec.progressDeadlineSeconds !== "number") spec.progressDeadlineSeconds = 600;
    defaultTemplate(spec, { kind: "Deployment" });
  },
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  validate(obj) {
    const spec = specOf(obj);
    const errors = [
      ...nonNegative(spec.replicas, "spec.replicas"),
      ...validateSelectorAndTemplate(spec),
      ...validateStrategy(spec.strategy),
      ...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"),
      ...nonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"),
      ...nonNegative(spec.progressDeadlineSeconds, "spec.progressDeadlineSeconds"),
    ];
    const deadline = spec.progressDeadlineSeconds;
    const minReady = typeof spec.minReadySeconds === "number" ? spec.minReadySeconds : 0;
    if (typeof deadline === "number" && deadline <= minReady)
      errors.push(
        invalidValue("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"),
      );
    return errors;
  },
  validateUpdate(obj, old) {
    return validateSelectorUnchanged(specOf(obj), record(old.spec));
  },
});
