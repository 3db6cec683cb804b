import { randomBytes, randomUUID } from "node:crypto";
import { badRequest, type FieldError, required } from "../errors.ts";
import type { Kind } from "../kinds/kind.ts";
import { type KubeObject, type ObjectMeta, timestamp } from "../object.ts";
import { validateAnnotations, validateLabels } from "./labels.ts";
import { validateName } from "./names.ts";

const generateNameChars = "bcdfghjklmnpqrstvwxz2456789";

/** The 5 random characters the API server appends to generateName. */
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => generateNameChars[b % generateNameChars.length]).join("");
}

/**
 * Sets what the server owns on a new object (rest.BeforeCreate): uid, creationTimestamp,
 * generation, a generated name; clears deletion state. The namespace comes from the URL.
 */
export function prepareMetaForCreate(kind: Kind, obj: KubeObject, namespace: string | null): void {
  const m = obj.metadata;
  if (m.resourceVersion) throw badRequest("resourceVersion should not be set on objects to be created");
  if (kind.namespaced) {
    if (m.namespace && namespace && m.namespace !== namespace)
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    m.namespace = namespace ?? m.namespace;
  } else delete m.namespace;
  if (!m.name && m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp();
  if (kind.hasSpec) m.generation = 1;
  else delete m.generation;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  for (const key of ["labels", "annotations"] as const) if (m[key] === null) delete m[key];
}

function carry<K extends keyof ObjectMeta>(to: ObjectMeta, from: ObjectMeta, key: K): void {
  to[key] = from[key];
}

/**
 * Carries server-owned metadata from the stored object to its replacement (rest.BeforeUpdate):
 * uid, creationTimestamp, deletion state; generation moves when the spec changed.
 */
export function prepareMetaForUpdate(kind: Kind, obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.namespace) m.namespace = o.namespace;
  else delete m.namespace;
  for (const key of ["deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
    if (o[key] === undefined) delete m[key];
    else carry(m, o, key);
  }
  if (kind.hasSpec && JSON.stringify(obj.spec) !== JSON.stringify(old.spec))
    m.generation = (o.generation ?? 0) + 1;
  for (const key of ["labels", "annotations"] as const) if (m[key] === null) delete m[key];
}

/**
 * ValidateObjectMeta: the name is present and follows the kind's rule (a generated name is
 * checked once generated), and labels and annotations are well-formed.
 */
export function validateObjectMeta(kind: Kind, obj: KubeObject): FieldError[] {
  const m = obj.metadata;
  const errors: FieldError[] = [];
  if (!m.name) errors.push(required("metadata.name", "name or generateName is required"));
  else errors.push(...validateName(m.name, kind.nameRule));
  errors.push(...validateLabels(m.labels, "metadata.labels"));
  errors.push(...validateAnnotations(m.annotations, "metadata.annotations"));
  return errors;
}
