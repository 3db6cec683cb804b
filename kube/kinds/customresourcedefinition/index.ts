import { nameColumn } from "../../printing/table.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition, served read-only until custom resources
 * exist: listed (a sandbox has none) so that kubectl, which lists them before validating a kind
 * the server does not validate itself (a review, a read-only kind), finds none; a write is
 * refused with the API server's 405 for a verb a resource does not have.
 */
export const customResourceDefinitionKind = defineKind({
  apiVersion: "apiextensions.k8s.io/v1",
  resource: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
  verbs: readOnlyVerbs,
  printer: {
    columns: [
      nameColumn,
      {
        name: "Created At",
        type: "date",
        format: "",
        description:
          "CreationTimestamp is a timestamp representing the server time when this object was created.",
        priority: 0,
      },
    ],
    cells: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp],
  },
});
