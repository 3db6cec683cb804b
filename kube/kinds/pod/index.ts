import { type FieldError, forbiddenField } from "../../errors.ts";
import type { KubeObject } from "../../object.ts";
import type { Pod, PodSpec, PodStatus } from "../../types/core-v1.ts";
import { child, type Json, list } from "../../validation/json.ts";
import { defineKind } from "../kind.ts";
import { podGracePeriod } from "./deletion.ts";
import { podPrinter } from "./printer.ts";
import { validateImagesForPod } from "./spec/containers.ts";
import { podQOSClass } from "./spec/resources.ts";
import { defaultPodOnly, defaultPodSpec, validatePodSpec } from "./spec/validation.ts";
import { validatePodStatusUpdate } from "./status-update.ts";
import { validatePodSpecUpdate } from "./update.ts";

function spec(obj: KubeObject): Json {
  return child(obj as Json, "spec");
}

/** The status a new pod starts with: Pending, its QoS class, and SchedulingGated when gated. */
function initialStatus(spec: PodSpec): PodStatus {
  const status: PodStatus = { phase: "Pending", qosClass: podQOSClass(spec) };
  if (spec.schedulingGates?.length)
    status.conditions = [
      {
        type: "PodScheduled",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: null,
        reason: "SchedulingGated",
        message: "Scheduling is blocked due to non-empty scheduling gates",
      },
    ];
  return status;
}

/** core/v1 Pod: the API server's defaults, admission defaults, validation and `kubectl get pods` columns. */
export const podKind = defineKind<Pod>({
  apiVersion: "v1",
  resource: "pods",
  kind: "Pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  subresources: ["status", "binding", "log", "exec", "attach", "eviction"],
  // Pods of 1.32 carry no metadata.generation.
  hasSpec: false,
  selectableFields: {
    "spec.nodeName": ["spec", "nodeName"],
    "spec.restartPolicy": ["spec", "restartPolicy"],
    "spec.schedulerName": ["spec", "schedulerName"],
    "spec.serviceAccountName": ["spec", "serviceAccountName"],
    "spec.hostNetwork": ["spec", "hostNetwork"],
    "status.phase": ["status", "phase"],
    "status.podIP": ["status", "podIP"],
    "status.nominatedNodeName": ["status", "nominatedNodeName"],
  },
  printer: podPrinter,
  defaults(obj) {
    const s = spec(obj);
    defaultPodSpec(s, { kind: "Pod" });
    defaultPodOnly(s);
  },
  prepareForCreate(obj) {
    obj.status = initialStatus(obj.spec ?? {});
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  validate(obj) {
    const s = spec(obj);
    const errors: FieldError[] = [
      ...validatePodSpec(s, "spec", true),
      ...validateImagesForPod(s.containers, "spec.containers"),
      ...validateImagesForPod(s.initContainers, "spec.initContainers"),
    ];
    if (list(s.ephemeralContainers).length)
      errors.push(forbiddenField("spec.ephemeralContainers", "cannot be set on create"));
    if (s.nodeName && list(s.schedulingGates).length)
      errors.push(
        forbiddenField("spec.nodeName", "cannot be set until all schedulingGates have been cleared"),
      );
    return errors;
  },
  validateUpdate(obj, old) {
    return validatePodSpecUpdate(obj.spec, old.spec);
  },
  validateStatusUpdate: validatePodStatusUpdate,
  gracefulDeletePeriod: podGracePeriod,
});
