import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { Endpoints } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";
import { defaultEndpoints, formatEndpoints, subsetsOf, validateSubsets } from "./subsets.ts";

/** core/v1 Endpoints: the addresses behind a service, printed as `kubectl get ep` prints them. */
export const endpointsKind = defineKind<Endpoints>({
  apiVersion: "v1",
  resource: "endpoints",
  kind: "Endpoints",
  namespaced: true,
  shortNames: ["ep"],
  printer: {
    columns: [
      nameColumn,
      {
        name: "Endpoints",
        type: "string",
        description:
          "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
        priority: 0,
      },
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      formatEndpoints(obj.subsets ?? []),
      age(obj.metadata.creationTimestamp, now),
    ],
  },
  defaults: defaultEndpoints,
  validate: (obj) => validateSubsets(subsetsOf(obj)),
});
