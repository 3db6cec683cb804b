import { eventKind } from "../../../kube/kinds/event/index.ts";
import { viewAs } from "../../../kube/kinds/kind.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import { objectFields } from "./object.ts";

const event = (r: ObjectRef) => viewAs(eventKind, r.obj);

/** Event: what happened to which object, how often, and when last. */
export const Event = {
  ...objectFields,
  type: (r: ObjectRef) => event(r).type ?? "Normal",
  reason: (r: ObjectRef) => event(r).reason ?? "",
  message: (r: ObjectRef) => event(r).message ?? "",
  count: (r: ObjectRef) => event(r).count ?? 1,
  lastSeen: (r: ObjectRef) => event(r).lastTimestamp ?? event(r).eventTime ?? null,
  involvedKind: (r: ObjectRef) => event(r).involvedObject?.kind ?? null,
  involvedName: (r: ObjectRef) => event(r).involvedObject?.name ?? null,
};
