import type { QueuedJob } from "../../db/queue.ts";
import type { TriggerRules, Written } from "../../db/store/writer.ts";
import type { ScheduledTask, TaskHandler } from "./task.ts";

/**
 * Which controllers a write wakes: a rule reads only the written object (no queries), and
 * level-triggered controllers re-read the state they need when they run.
 */
export type Trigger = (written: Written) => QueuedJob[];

/**
 * A controller, as the queue runs it: the tasks it handles, the writes that wake it (its
 * trigger rules, by storage resource; "*" for every resource), and what it runs on a schedule.
 * Each lives in its own folder under workers/, listed once in workers/controllers.ts.
 */
export interface Controller {
  name: string;
  handlers: TaskHandler[];
  triggers: Record<string, Trigger[]>;
  scheduled?: ScheduledTask[];
}

/** The trigger rules of the controllers as one function of a write, for the store (db/store/writer.ts). */
export function triggerRulesOf(controllers: Controller[]): TriggerRules {
  const byResource = new Map<string, Trigger[]>();
  for (const c of controllers)
    for (const [resource, rules] of Object.entries(c.triggers))
      byResource.set(resource, [...(byResource.get(resource) ?? []), ...rules]);
  const everyResource = byResource.get("*") ?? [];
  return (written) => {
    const rules = byResource.get(written.resource);
    const jobs: QueuedJob[] = [];
    for (const rule of rules ? [...rules, ...everyResource] : everyResource) jobs.push(...rule(written));
    return jobs;
  };
}
