import type { KubeObject } from "../../kube/object.ts";

/* The change log's types, apart from its reads (changes.ts) so what keeps changes (recent-changes.ts) shares them. */

/** A change-log event type, as watch events name them. */
export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** One change-log row, as a watch replays it. */
export interface Change {
  revision: number;
  resource: string;
  namespace: string;
  name: string;
  type: ChangeType;
  object: KubeObject;
}

/** A stretch of the change log, and the revision below which the log was compacted away. */
export interface ChangeBatch {
  changes: Change[];
  /** Changes up to this revision are gone; a watch from before it must start over (410). */
  compacted: number;
}
