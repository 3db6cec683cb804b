import type { FieldError } from "../errors.ts";
import type { NameRule } from "../meta/names.ts";
import type { KubeObject } from "../object.ts";
import type { Printer } from "../printing/table.ts";

/**
 * What one kind brings to the generic store, after the kube-apiserver's registry strategies:
 * identity for discovery, its name rule, hooks named for when they run, and its printer.
 * Hooks mutate the object they are given; the generic code calls them in a fixed order:
 * defaults → prepareForCreate → validate (create), or defaults → prepareForUpdate →
 * validateUpdate (update); admission plugins and storage follow (registry/).
 *
 * `T` is the kind's typed view (its generated type in kube/types/): what the preparing hooks,
 * the printer and the controllers see, since an object that passed typed decoding has its Go
 * type's shape. Defaulting and validation take any object: they must accept anything (and read
 * it through kube/validation/json.ts's tolerant readers), as they also check what decoding let by.
 */
export interface Kind<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  /** The plural, lower-case resource name: "namespaces". */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  nameRule: NameRule;
  /** Subresources served, e.g. ["status"]. */
  subresources: string[];
  /** Whether spec changes bump metadata.generation (kinds with a spec do). */
  hasSpec: boolean;
  printer: Printer<T>;
  /** Field selectors beyond metadata.name and metadata.namespace, and the JSON path each reads. */
  selectableFields?: Record<string, string[]>;
  /**
   * Top-level fields whose values are secret (a Secret's data): no message quotes them, as the
   * API server writes "<secret contents redacted>" where it would.
   */
  sensitiveFields?: string[];
  /** For kinds with a scale subresource: where the replica counts and the selector live. */
  scale?: ScaleSpec<T>;
  /** The API server's defaulting, run on every write's decoded object (create and update). */
  defaults?(obj: KubeObject): void;
  /** Sets server-owned fields on a new object (status, for kinds with status). */
  prepareForCreate?(obj: T): void;
  /** Carries over what a main-endpoint update may not change (status, for kinds with status). */
  prepareForUpdate?(obj: T, old: T): void;
  /** Kind-specific validation of a new object. */
  validate?(obj: KubeObject): FieldError[];
  /** Kind-specific validation of an update. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * Kind-specific validation of a write through the status subresource (the status strategy's
   * ValidateUpdate), in place of validate and validateUpdate, since the spec there is the stored
   * one. A kind without it runs those on status writes too.
   */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * For kinds deleted gracefully (pods), CheckGracefulDelete: the grace period a DELETE gives
   * the object, from the one requested (if any). Kinds without it are removed at once.
   */
  gracefulDeletePeriod?(obj: T, requested: number | undefined): number;
  /** DefaultGarbageCollectionPolicy: what a DELETE naming no propagation policy does to dependents (Background when absent). */
  defaultGarbageCollectionPolicy?: "OrphanDependents" | "DeleteDependents";
}

/** Where a scalable kind keeps what the autoscaling/v1 Scale subresource shows. */
export interface ScaleSpec<T extends KubeObject = KubeObject> {
  /** Reads spec.replicas (defaulted). */
  specReplicas(obj: T): number;
  /** Writes spec.replicas. */
  setSpecReplicas(obj: T, replicas: number): void;
  /** Reads status.replicas. */
  statusReplicas(obj: T): number;
  /** The selector as a label selector string ("app=nginx"). */
  selector(obj: T): string;
}

/** The verbs of an ordinary read-write resource. */
export const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/**
 * The verbs of a kind served read-only until the sandbox simulates it: listed and read (none
 * exist), a write refused with the API server's 405 for a verb a resource does not have.
 */
export const readOnlyVerbs = ["get", "list", "watch"];

/**
 * What a kind's folder declares: its apiVersion ("apps/v1", "v1") instead of group and version,
 * and only what differs from the common case — singular the kind in lower case, every verb, no
 * short names, categories or subresources, names as DNS subdomains, no metadata.generation.
 */
export type KindDefinition<T extends KubeObject = KubeObject> = Omit<
  Kind<T>,
  | "group"
  | "version"
  | "singular"
  | "shortNames"
  | "categories"
  | "verbs"
  | "nameRule"
  | "subresources"
  | "hasSpec"
> &
  Partial<
    Pick<Kind, "singular" | "shortNames" | "categories" | "verbs" | "nameRule" | "subresources" | "hasSpec">
  > & {
    apiVersion: string;
  };

/**
 * A kind, as its folder under kube/kinds/ defines it (see KindDefinition), typed by its
 * generated type: `defineKind<Pod>({...})`. kinds/index.ts lists it.
 */
export function defineKind<T extends KubeObject = KubeObject>(definition: KindDefinition<T>): Kind<T> {
  const { apiVersion, ...rest } = definition;
  const slash = apiVersion.lastIndexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    singular: definition.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: allVerbs,
    nameRule: "dns1123Subdomain",
    subresources: [],
    hasSpec: false,
    ...rest,
  };
}

/** "apps/v1", or "v1" for the core group. */
export function apiVersionOf(kind: Pick<Kind, "group" | "version">): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The key objects of this kind are stored under: "namespaces", "deployments.apps". */
export function storageResource(kind: Pick<Kind, "group" | "resource">): string {
  return kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
}

/**
 * An object of this kind as its typed view. Objects reach the store through typed decoding (or
 * from controllers writing typed views), so a stored object of the kind has its Go type's shape;
 * what is checked here is that it is of the kind at all.
 */
export function viewAs<T extends KubeObject>(kind: Kind<T>, obj: KubeObject): T;
export function viewAs<T extends KubeObject>(kind: Kind<T>, obj: KubeObject | null): T | null;
export function viewAs<T extends KubeObject>(kind: Kind<T>, obj: KubeObject | null): T | null {
  if (obj && obj.kind !== undefined && obj.kind !== kind.kind)
    throw new Error(`a ${obj.kind} is not a ${kind.kind}`);
  return obj as T | null;
}
