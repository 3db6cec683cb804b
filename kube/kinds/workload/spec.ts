import {
  type FieldError,
  forbiddenField,
  invalidRendered,
  invalidValue,
  notSupported,
  required,
} from "../../errors.ts";
import { goStringMap } from "../../go/values.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import type { Column } from "../../printing/table.ts";
import type { Deployment, ReplicaSet } from "../../types/apps-v1.ts";
import type { PodTemplateSpec, ReplicationController } from "../../types/core-v1.ts";
import { child, type Json, record, text } from "../../validation/json.ts";
import { isNegativeMessage } from "../../validation/messages.ts";
import type { ScaleSpec } from "../kind.ts";
import { type DecodeContext, defaultPodSpec } from "../pod/spec/defaults.ts";
import { validatePodTemplateSpec } from "../pod/spec/validation.ts";

/**
 * What the pod-template kinds (ReplicationController, ReplicaSet, Deployment) share: template
 * defaults, the template-versus-selector checks, replica counts, and the wide columns.
 */

/** The pod-template kinds, as their typed views. */
export type Workload = Deployment | ReplicaSet | ReplicationController;

/** The object's spec, created when absent so defaults can be written into it. */
export function specOf(obj: KubeObject): Json {
  return child(obj as Json, "spec");
}

/** Defaults inside spec.template: the pod spec's, and the `creationTimestamp: null` Go writes for templates. */
export function defaultTemplate(spec: Json, ctx: DecodeContext): void {
  if (!isPlainObject(spec.template)) return;
  const meta = child(spec.template, "metadata");
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
  defaultPodSpec(child(spec.template, "spec"), ctx);
}

/** Sets spec.replicas to 1 when absent, as the versioned defaults do. */
export function defaultReplicas(spec: Json): void {
  if (typeof spec.replicas !== "number") spec.replicas = 1;
}

/** The template's labels (undefined when it has none). */
export function templateLabels(spec: Json): Record<string, string> | undefined {
  const labels = record(spec.template).metadata;
  return isPlainObject(labels) && isPlainObject(labels.labels)
    ? (labels.labels as Record<string, string>)
    : undefined;
}

/** ValidateNonnegativeField for an optional integer field. */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === "number" && value < 0 ? [invalidValue(field, value, isNegativeMessage)] : [];
}

/**
 * ValidatePodTemplateSpecForRC / …ForReplicaSet: the template present, its labels selected by
 * the selector (`matches` null when the selector selects everything), the template valid, and
 * restartPolicy Always.
 */
export function validateTemplateForReplicas(
  spec: Json,
  matches: boolean | null,
  owner: "ReplicationController" | "ReplicaSet",
): FieldError[] {
  if (!isPlainObject(spec.template)) return [required("spec.template")];
  const errors: FieldError[] = [];
  if (matches === false)
    errors.push(
      invalidRendered(
        "spec.template.metadata.labels",
        goStringMap(templateLabels(spec)),
        "`selector` does not match template `labels`",
      ),
    );
  errors.push(...validatePodTemplateSpec(spec.template, "spec.template"));
  const templateSpec = record(spec.template.spec);
  if (templateSpec.restartPolicy !== "Always")
    errors.push(
      notSupported("spec.template.spec.restartPolicy", text(templateSpec.restartPolicy), ["Always"]),
    );
  if (templateSpec.activeDeadlineSeconds !== undefined && templateSpec.activeDeadlineSeconds !== null)
    errors.push(
      forbiddenField(
        "spec.template.spec.activeDeadlineSeconds",
        `activeDeadlineSeconds in ${owner} is not Supported`,
      ),
    );
  return errors;
}

/** The template's container names and images, comma-joined, as the wide columns print them. */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}

/** spec.replicas, 1 when absent (the default). */
export function specReplicas(obj: Workload): number {
  return obj.spec?.replicas ?? 1;
}

/** The ScaleSpec of a kind that keeps replicas in spec.replicas and status.replicas. */
export function replicaScale<T extends Workload>(selector: (obj: T) => string): ScaleSpec<T> {
  return {
    specReplicas,
    setSpecReplicas(obj, replicas) {
      obj.spec ??= {};
      obj.spec.replicas = replicas;
    },
    statusReplicas: (obj) => obj.status?.replicas ?? 0,
    selector,
  };
}

/** A column of the printers of this family. */
export function column(name: string, type: "string" | "integer", description: string, priority = 0): Column {
  return { name, type, description, priority };
}

/** The wide Containers and Images columns every workload printer ends with, before Selector. */
export const containerColumns: Column[] = [
  column("Containers", "string", "Names of each container in the template.", 1),
  column("Images", "string", "Images referenced by each container in the template.", 1),
];
