import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { Namespace, NamespaceSpec } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";

/** Namespaces the API server refuses to delete. */
export const immortalNamespaces = new Set(["default", "kube-system", "kube-public"]);

function spec(obj: Namespace): NamespaceSpec {
  obj.spec ??= {};
  return obj.spec;
}

/** core/v1 Namespace: phase Active on create, the `kubernetes` finalizer, status owned by the server. */
export const namespaceKind = defineKind<Namespace>({
  apiVersion: "v1",
  resource: "namespaces",
  kind: "Namespace",
  namespaced: false,
  shortNames: ["ns"],
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  nameRule: "dns1123Label",
  subresources: ["status", "finalize"],
  selectableFields: { "status.phase": ["status", "phase"] },
  printer: {
    columns: [
      nameColumn,
      { name: "Status", type: "string", description: "The status of the namespace", priority: 0 },
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.status?.phase ?? "",
      age(obj.metadata.creationTimestamp, now),
    ],
  },
  prepareForCreate(obj) {
    const s = spec(obj);
    const finalizers = s.finalizers ?? [];
    if (!finalizers.includes("kubernetes")) finalizers.push("kubernetes");
    s.finalizers = finalizers;
    obj.status = { phase: "Active" };
  },
  defaults(obj) {
    // The API server labels every namespace with its own name, as a default (so the field
    // manager of the write owns the label).
    obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name ?? "" };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    spec(obj).finalizers = old.spec?.finalizers ?? [];
  },
});
