import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import { formatLabelSelector, formatLabels } from "../../selectors/label-selector.ts";
import type { DaemonSet } from "../../types/apps-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { column, containerCells, containerColumns } from "../workload/spec.ts";

/**
 * apps/v1 DaemonSet, served read-only until a controller runs them: listed and read (a sandbox
 * has none, as `kubectl cluster-info dump` and `get all` find), while a write is refused with
 * the API server's 405 for a verb a resource does not have. Its printer is the API server's.
 */
export const daemonSetKind = defineKind<DaemonSet>({
  apiVersion: "apps/v1",
  resource: "daemonsets",
  kind: "DaemonSet",
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column("Desired", "integer", "The desired number of nodes running the daemon pod."),
      column("Current", "integer", "The number of nodes currently running the daemon pod."),
      column("Ready", "integer", "The number of nodes running the daemon pod that are ready."),
      column("Up-to-date", "integer", "The number of nodes running the updated daemon pod."),
      column("Available", "integer", "The number of nodes running the daemon pod that are available."),
      column("Node Selector", "string", "The node selector of the daemon pods."),
      ageColumn,
      ...containerColumns,
      column("Selector", "string", "The label selector of the daemon pods.", 1),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.status?.desiredNumberScheduled ?? 0,
      obj.status?.currentNumberScheduled ?? 0,
      obj.status?.numberReady ?? 0,
      obj.status?.updatedNumberScheduled ?? 0,
      obj.status?.numberAvailable ?? 0,
      formatLabels(obj.spec?.template?.spec?.nodeSelector),
      age(obj.metadata.creationTimestamp, now),
      ...containerCells(obj.spec?.template),
      formatLabelSelector(obj.spec?.selector),
    ],
  },
});
