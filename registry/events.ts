import { randomUUID } from "node:crypto";
import { notExpired } from "../db/store/event-expiry.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { eventKind } from "../kube/kinds/event/index.ts";
import { viewAs } from "../kube/kinds/kind.ts";
import { type KubeObject, timestamp } from "../kube/object.ts";
import type { Event } from "../kube/types/core-v1.ts";

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
export function recordEvent(w: SandboxWriter, obj: KubeObject, spec: EventSpec): Promise<void> {
  return recordEvents(w, obj, [spec]);
}

/**
 * Records several events about one object, in order: one query finds the ones that repeat, and
 * the new ones are written in one statement (a kubelet's start of a pod records four).
 */
export async function recordEvents(
  w: SandboxWriter,
  obj: KubeObject,
  specs: EventSpec[],
  /** The caller knows no event with these reasons exists for `obj` yet: no need to look. */
  options: { noneBefore?: boolean } = {},
): Promise<void> {
  if (!specs.length) return;
  const namespace = obj.metadata.namespace ?? "default";
  const rows = options.noneBefore
    ? []
    : await w.sql<{ name: string; reason: string; message: string }[]>`
    SELECT name, body ->> 'reason' AS reason, body ->> 'message' AS message FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = 'events' AND namespace = ${namespace}
      AND body -> 'involvedObject' ->> 'uid' = ${obj.metadata.uid ?? ""}
      AND body ->> 'reason' = ANY (${specs.map((s) => s.reason)}) AND ${notExpired(w.sql)}`;
  const existing = new Map(rows.map((r) => [`${r.reason}\n${r.message}`, r.name]));
  const fresh = new Map<string, Event>();
  for (const spec of specs) {
    const id = `${spec.reason}\n${spec.message}`;
    const now = timestamp(spec.time);
    const name = existing.get(id);
    // A repeat within the batch counts on the event it is about to create.
    const event =
      fresh.get(id) ??
      (name ? viewAs(eventKind, await w.get({ resource: "events", namespace, name })) : null);
    // A sandbox at its limits records no more events (its controllers still do their work).
    if (!w.hasRoom()) return;
    if (event) {
      event.count = (event.count ?? 1) + 1;
      event.lastTimestamp = now;
      if (!fresh.has(id))
        await w.update({ resource: "events", namespace, name: event.metadata.name ?? "" }, event);
      continue;
    }
    fresh.set(id, newEvent(obj, namespace, spec, now));
  }
  for (const event of fresh.values()) {
    if (!w.hasRoom()) return;
    await w.create({ resource: "events", namespace, name: event.metadata.name ?? "" }, event);
  }
}

let lastNanos = 0n;

/**
 * client-go's event name: "<object>.<hex of the time in nanoseconds>", so that a list by name is
 * a list by time (kubectl describe keeps that order among events of the same second). Made
 * strictly increasing in this process, and kept apart from other processes' by random low bits.
 */
function eventName(object: string, time?: Date): string {
  // Only to keep processes apart, not a secret: Math.random, without a system call per event.
  const random = BigInt(Math.floor(Math.random() * 1000));
  let nanos = BigInt((time ?? new Date()).getTime()) * 1_000_000n + random;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return `${object}.${nanos.toString(16)}`;
}

function newEvent(obj: KubeObject, namespace: string, spec: EventSpec, now: string): Event {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: eventName(obj.metadata.name ?? "", spec.time),
      namespace,
      uid: randomUUID(),
      creationTimestamp: now,
    },
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
}
