import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/**
 * Reconciles one deployment; key `<namespace>/<name>`. The check of a rollout's progress
 * deadline is a job of its own (`progressCheck`, key `<namespace>/<name>:progress`), so the
 * syncs that writes call for do not replace it.
 */
export const deploymentTask = defineTask(
  "deployment",
  z.object({ namespace: z.string(), name: z.string(), progressCheck: z.boolean().optional() }),
  (p) => `${p.namespace}/${p.name}${p.progressCheck ? ":progress" : ""}`,
);
