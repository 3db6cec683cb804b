import type { KubeObject } from "../object.ts";

/** A column of a server-side printed Table (meta.k8s.io/v1 TableColumnDefinition). */
export interface Column {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  /** 0 prints always; 1 only with `-o wide`. */
  priority: number;
}

/** How a kind prints in `kubectl get`: its columns and one row of cells per object. */
export interface Printer<T extends KubeObject = KubeObject> {
  columns: Column[];
  cells(obj: T, now: number): unknown[];
}

/** The Name column every kind starts with. */
export const nameColumn: Column = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

/** The Age column most kinds end with. */
export const ageColumn: Column = {
  name: "Age",
  type: "string",
  description:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
};

/** What `includeObject` asks each row to carry. */
export type IncludeObject = "None" | "Metadata" | "Object";

/** The partial metadata a Table row carries by default (kubectl reads namespace and labels from it). */
function partialMetadata(obj: KubeObject): Record<string, unknown> {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

/** Prints objects as a meta.k8s.io/v1 Table, the answer to `Accept: ...;as=Table`. */
export function toTable(
  printer: Printer,
  objects: KubeObject[],
  resourceVersion: string,
  include: IncludeObject,
  now = Date.now(),
  extraMetadata: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion, ...extraMetadata },
    columnDefinitions: printer.columns,
    rows: objects.map((obj) => ({
      cells: printer.cells(obj, now),
      ...(include === "None" ? {} : { object: include === "Object" ? obj : partialMetadata(obj) }),
    })),
  };
}
