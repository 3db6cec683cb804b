import type { Trigger } from "../queue/controller.ts";
import { namespaceTask } from "./jobs.ts";

/** A namespace being deleted wakes the namespace controller, which empties and removes it. */
const namespaceDeleting: Trigger = (w) =>
  w.type !== "DELETED" && w.object.metadata.deletionTimestamp ? [namespaceTask.job({ name: w.name })] : [];

/** The namespace controller's trigger rules. */
export const namespaceTriggers = { namespaces: [namespaceDeleting] };
