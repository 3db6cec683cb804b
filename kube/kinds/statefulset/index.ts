import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { StatefulSet } from "../../types/apps-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { column, containerCells, containerColumns } from "../workload/spec.ts";

/**
 * apps/v1 StatefulSet, served read-only until a controller runs them: listed and read (a sandbox
 * has none; `kubectl apply --prune` lists it by default), a write refused with the API server's
 * 405. Its printer is the API server's.
 */
export const statefulSetKind = defineKind<StatefulSet>({
  apiVersion: "apps/v1",
  resource: "statefulsets",
  kind: "StatefulSet",
  namespaced: true,
  shortNames: ["sts"],
  categories: ["all"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column("Ready", "string", "Number of the pod with ready state"),
      ageColumn,
      ...containerColumns,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      `${obj.status?.readyReplicas ?? 0}/${obj.spec?.replicas ?? 1}`,
      age(obj.metadata.creationTimestamp, now),
      ...containerCells(obj.spec?.template),
    ],
  },
});
