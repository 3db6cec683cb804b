import { age } from "../../go/human-duration.ts";
import { fieldDoc } from "../../openapi/definitions.ts";
import { ageColumn, type Column, nameColumn } from "../../printing/table.ts";
import { formatLabelSelector } from "../../selectors/label-selector.ts";
import type { CronJob } from "../../types/batch-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { column, containerCells, containerColumns } from "../workload/spec.ts";

const suspendColumn: Column = {
  name: "Suspend",
  type: "boolean",
  description: fieldDoc("batch.v1.CronJobSpec", "suspend"),
  priority: 0,
};

/**
 * batch/v1 CronJob, served read-only until a cron job controller runs them: listed and read (a
 * sandbox has none; `kubectl apply --prune` lists it by default), a write refused with the API
 * server's 405. Its printer is the API server's.
 */
export const cronJobKind = defineKind<CronJob>({
  apiVersion: "batch/v1",
  resource: "cronjobs",
  kind: "CronJob",
  namespaced: true,
  shortNames: ["cj"],
  categories: ["all"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column("Schedule", "string", fieldDoc("batch.v1.CronJobSpec", "schedule")),
      column("Timezone", "string", fieldDoc("batch.v1.CronJobSpec", "timeZone")),
      suspendColumn,
      column("Active", "integer", fieldDoc("batch.v1.CronJobStatus", "active")),
      column("Last Schedule", "string", fieldDoc("batch.v1.CronJobStatus", "lastScheduleTime")),
      ageColumn,
      ...containerColumns,
      column("Selector", "string", fieldDoc("batch.v1.JobSpec", "selector"), 1),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.spec?.schedule ?? "",
      obj.spec?.timeZone ?? "<none>",
      obj.spec?.suspend ?? false,
      obj.status?.active?.length ?? 0,
      obj.status?.lastScheduleTime ? age(obj.status.lastScheduleTime, now) : "<none>",
      age(obj.metadata.creationTimestamp, now),
      ...containerCells(obj.spec?.jobTemplate?.spec?.template),
      formatLabelSelector(obj.spec?.jobTemplate?.spec?.selector),
    ],
  },
});
