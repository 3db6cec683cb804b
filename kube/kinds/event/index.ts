import { type FieldError, invalidValue, required } from "../../errors.ts";
import { age } from "../../go/human-duration.ts";
import { qualifiedNameProblems } from "../../meta/labels.ts";
import { dns1123SubdomainProblems } from "../../meta/names.ts";
import type { KubeObject } from "../../object.ts";
import { nameColumn } from "../../printing/table.ts";
import type { Event } from "../../types/core-v1.ts";
import { record, text } from "../../validation/json.ts";
import { defineKind } from "../kind.ts";

const involved = (obj: KubeObject) => record(obj.involvedObject);

/** formatEventSource: the component (or reporting controller), then the host (or instance). */
function eventSource(obj: Event): string {
  const component = obj.source?.component || obj.reportingComponent || "";
  const instance = obj.source?.host || obj.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

/** printEvent's cells (the wide set; kubectl drops the priority-1 ones itself). */
function eventCells(obj: Event, now: number): unknown[] {
  const first = obj.firstTimestamp ? age(obj.firstTimestamp, now) : age(obj.eventTime || undefined, now);
  let last = obj.lastTimestamp ? age(obj.lastTimestamp, now) : first;
  let count = obj.count ?? 0;
  if (obj.series) {
    last = age(obj.series.lastObservedTime, now);
    count = obj.series.count ?? 0;
  } else if (count === 0) count = 1; // Singleton events of the new API have no count.
  const ref = obj.involvedObject ?? {};
  const kind = (ref.kind ?? "").toLowerCase();
  const target = ref.name ? `${kind}/${ref.name}` : kind;
  return [
    last,
    obj.type ?? "",
    obj.reason ?? "",
    target,
    ref.fieldPath ?? "",
    eventSource(obj),
    (obj.message ?? "").trim(),
    first,
    count,
    obj.metadata.name,
  ];
}

const limits = { reportingInstance: 128, action: 128, reason: 128 } as const;

/** legacyValidateEvent, which is all that core/v1 events get. */
export function validateEvent(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const namespace = obj.metadata.namespace ?? "";
  const refNamespace = text(involved(obj).namespace);
  const mismatch = () =>
    errors.push(invalidValue("involvedObject.namespace", refNamespace, "does not match event.namespace"));
  if (!obj.eventTime) {
    // Old-style events: the event lives in its object's namespace (or default, for cluster objects).
    if (refNamespace ? namespace !== refNamespace : namespace !== "" && namespace !== "default") mismatch();
  } else {
    if (!refNamespace && namespace !== "default" && namespace !== "kube-system") mismatch();
    const controller = text(obj.reportingComponent);
    if (!controller) errors.push(required("reportingController"));
    for (const p of qualifiedNameProblems(controller))
      errors.push(invalidValue("reportingController", controller, p));
    for (const field of ["reportingInstance", "action", "reason"] as const) {
      const value = text(obj[field]);
      if (!value) errors.push(required(field));
      if (value.length > limits[field])
        errors.push(invalidValue(field, "", `can have at most ${limits[field]} characters`));
    }
    if (text(obj.message).length > 1024)
      errors.push(invalidValue("message", "", "can have at most 1024 characters"));
  }
  for (const p of dns1123SubdomainProblems(namespace)) errors.push(invalidValue("namespace", namespace, p));
  return errors;
}

const eventDoc = {
  lastTimestamp: "The time at which the most recent occurrence of this event was recorded.",
  type: "Type of this event (Normal, Warning), new types could be added in the future",
  reason:
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  involvedObject: "The object that this event is about.",
  fieldPath:
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
  source: "The component reporting this event. Should be a short machine understandable string.",
  message: "A human-readable description of the status of this operation.",
  firstTimestamp: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
  count: "The number of times this event has occurred.",
};

/**
 * core/v1 Event: what happened to an object (kubectl describe lists them by involvedObject field
 * selectors). Printed as printEvent prints: last seen, type, reason, object, message.
 */
export const eventKind = defineKind<Event>({
  apiVersion: "v1",
  resource: "events",
  kind: "Event",
  namespaced: true,
  shortNames: ["ev"],
  selectableFields: {
    "involvedObject.kind": ["involvedObject", "kind"],
    "involvedObject.namespace": ["involvedObject", "namespace"],
    "involvedObject.name": ["involvedObject", "name"],
    "involvedObject.uid": ["involvedObject", "uid"],
    "involvedObject.apiVersion": ["involvedObject", "apiVersion"],
    "involvedObject.resourceVersion": ["involvedObject", "resourceVersion"],
    "involvedObject.fieldPath": ["involvedObject", "fieldPath"],
    reason: ["reason"],
    reportingComponent: ["reportingComponent"],
    // The API server falls back to reportingComponent when source.component is empty.
    source: ["source", "component"],
    type: ["type"],
  },
  printer: {
    columns: [
      { name: "Last Seen", type: "string", description: eventDoc.lastTimestamp, priority: 0 },
      { name: "Type", type: "string", description: eventDoc.type, priority: 0 },
      { name: "Reason", type: "string", description: eventDoc.reason, priority: 0 },
      { name: "Object", type: "string", description: eventDoc.involvedObject, priority: 0 },
      { name: "Subobject", type: "string", description: eventDoc.fieldPath, priority: 1 },
      { name: "Source", type: "string", description: eventDoc.source, priority: 1 },
      { name: "Message", type: "string", description: eventDoc.message, priority: 0 },
      { name: "First Seen", type: "string", description: eventDoc.firstTimestamp, priority: 1 },
      { name: "Count", type: "string", description: eventDoc.count, priority: 1 },
      { ...nameColumn, priority: 1 },
    ],
    cells: eventCells,
  },
  validate: validateEvent,
});
