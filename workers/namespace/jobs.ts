import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** Empties and removes a namespace being deleted; key its name. */
export const namespaceTask = defineTask("namespace", z.object({ name: z.string() }), (p) => p.name);
