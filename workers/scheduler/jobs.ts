import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** Places one pod; key `<namespace>/<name>`. */
export const schedulerTask = defineTask(
  "scheduler",
  z.object({ namespace: z.string(), name: z.string() }),
  (p) => `${p.namespace}/${p.name}`,
);

/** Tries every pending pod of the sandbox again, after something that may let them fit; one per sandbox. */
export const schedulePendingTask = defineTask("schedule_pending", z.looseObject({}), () => "pending");
