import { age, humanDuration } from "../../go/human-duration.ts";
import { fieldDoc } from "../../openapi/definitions.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import { formatLabelSelector } from "../../selectors/label-selector.ts";
import type { Job } from "../../types/batch-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { column, containerCells, containerColumns } from "../workload/spec.ts";

/** printJob's Status: the first of its conditions that holds, in the API server's order. */
function jobStatus(job: Job): string {
  const holds = (type: string) => job.status?.conditions?.some((c) => c.type === type && c.status === "True");
  if (holds("Complete")) return "Complete";
  if (holds("Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (holds("SuccessCriteriaMet")) return "SuccessCriteriaMet";
  if (holds("Suspended")) return "Suspended";
  if (holds("FailureTarget")) return "FailureTarget";
  return "Running";
}

/** printJob's Completions: succeeded of completions (of parallelism when none is set). */
function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism;
  return parallelism !== undefined && parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** printJob's Duration: from start to completion, or to now while it runs. */
function duration(job: Job, now: number): string {
  const start = job.status?.startTime ? Date.parse(job.status.startTime) : Number.NaN;
  if (Number.isNaN(start)) return "";
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - start);
}

/**
 * batch/v1 Job, served read-only until a job controller runs them: listed and read (a sandbox
 * has none, as `kubectl apply --prune` without an allowlist lists it), a write refused with the
 * API server's 405 for a verb a resource does not have. Its printer is the API server's.
 */
export const jobKind = defineKind<Job>({
  apiVersion: "batch/v1",
  resource: "jobs",
  kind: "Job",
  namespaced: true,
  categories: ["all"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column("Status", "string", "Status of the job."),
      column("Completions", "string", fieldDoc("batch.v1.JobStatus", "succeeded")),
      column("Duration", "string", "Time required to complete the job."),
      ageColumn,
      ...containerColumns,
      column("Selector", "string", fieldDoc("batch.v1.JobSpec", "selector"), 1),
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      jobStatus(obj),
      completions(obj),
      duration(obj, now),
      age(obj.metadata.creationTimestamp, now),
      ...containerCells(obj.spec?.template),
      formatLabelSelector(obj.spec?.selector),
    ],
  },
});
