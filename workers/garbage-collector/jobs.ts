import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** Looks at the dependents of one owner; key the owner's uid. */
export const garbageCollectorTask = defineTask(
  "garbage_collector",
  z.object({ uid: z.string() }),
  (p) => p.uid,
);
