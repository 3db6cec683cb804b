import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxWriter } from "../db/store.ts";
import { type KubeObject, timestamp } from "../kube/object.ts";

/** What an event says about an object, as a kubelet or controller records it. */
export interface EventSpec {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** The component that reports it: "kubelet", "default-scheduler", "replication-controller", … */
  component: string;
  /** The node the reporting kubelet runs on, when it is one. */
  host?: string;
  /** e.g. "spec.containers{nginx}" for container-level kubelet events. */
  fieldPath?: string;
  /** When it happened, if not now (a component that computes its state for a given time). */
  time?: Date;
}

/**
 * Records a core/v1 Event about `obj` in the writer's transaction, named as client-go's
 * recorder names them (`<object>.<hex>`). A repeat of the same reason and message on the same
 * object bumps the count and lastTimestamp of the existing event instead, as the recorder's
 * aggregation does.
 */
export async function recordEvent(w: SandboxWriter, obj: KubeObject, spec: EventSpec): Promise<void> {
  const namespace = obj.metadata.namespace ?? "default";
  const now = timestamp(spec.time);
  const [existing] = await w.tx<{ name: string }[]>`
    SELECT name FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = 'events' AND namespace = ${namespace}
      AND body -> 'involvedObject' ->> 'uid' = ${obj.metadata.uid ?? ""}
      AND body ->> 'reason' = ${spec.reason} AND body ->> 'message' = ${spec.message}
    LIMIT 1`;
  if (existing) {
    const key = { resource: "events", namespace, name: existing.name };
    const event = await w.get(key);
    if (event) {
      event.count = (typeof event.count === "number" ? event.count : 1) + 1;
      event.lastTimestamp = now;
      await w.update(key, event);
      return;
    }
  }
  const name = `${obj.metadata.name}.${randomBytes(8).toString("hex")}`;
  const event: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace, uid: randomUUID(), creationTimestamp: now },
    involvedObject: {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
      ...(spec.fieldPath ? { fieldPath: spec.fieldPath } : {}),
    },
    reason: spec.reason,
    message: spec.message,
    source: { component: spec.component, ...(spec.host ? { host: spec.host } : {}) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: spec.type,
    eventTime: null,
    reportingComponent: spec.component,
    reportingInstance: spec.host ?? "",
  };
  await w.create({ resource: "events", namespace, name }, event);
}
