import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { ServiceAccount } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";

/** core/v1 ServiceAccount: `default` in every namespace; printed with its secrets count. */
export const serviceAccountKind = defineKind<ServiceAccount>({
  apiVersion: "v1",
  resource: "serviceaccounts",
  kind: "ServiceAccount",
  namespaced: true,
  shortNames: ["sa"],
  subresources: ["token"],
  printer: {
    columns: [
      nameColumn,
      {
        name: "Secrets",
        type: "string",
        description:
          "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
        priority: 0,
      },
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.secrets?.length ?? 0,
      age(obj.metadata.creationTimestamp, now),
    ],
  },
});
