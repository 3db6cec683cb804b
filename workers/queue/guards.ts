import type { GuardCondition } from "../../db/queue.ts";

/**
 * An object that selects pods: a `spec.selector` that is a non-empty map (a service's plain
 * selector, a controller's label selector). The guard of jobs that only matter where something
 * selects pods (endpoints after pod changes, the adoption of orphans).
 */
export const selectsPods: GuardCondition = {
  name: "selects-pods",
  sql: `jsonb_typeof(o.body -> 'spec' -> 'selector') = 'object' AND o.body -> 'spec' -> 'selector' <> '{}'::jsonb`,
};
