import { age } from "../../go/human-duration.ts";
import { fieldDoc } from "../../openapi/definitions.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { PersistentVolume } from "../../types/core-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { column } from "../workload/spec.ts";
import { accessModes, storage } from "./volumes.ts";

/**
 * v1 PersistentVolume, served read-only until volumes are simulated: listed and read (a sandbox
 * has none; `kubectl apply --prune` lists it among its default cluster-scoped kinds), a write
 * refused with the API server's 405. Its printer is the API server's.
 */
export const persistentVolumeKind = defineKind<PersistentVolume>({
  apiVersion: "v1",
  resource: "persistentvolumes",
  kind: "PersistentVolume",
  namespaced: false,
  shortNames: ["pv"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column("Capacity", "string", fieldDoc("core.v1.PersistentVolumeSpec", "capacity")),
      column("Access Modes", "string", fieldDoc("core.v1.PersistentVolumeSpec", "accessModes")),
      column(
        "Reclaim Policy",
        "string",
        fieldDoc("core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy"),
      ),
      column("Status", "string", fieldDoc("core.v1.PersistentVolumeStatus", "phase")),
      column("Claim", "string", fieldDoc("core.v1.PersistentVolumeSpec", "claimRef")),
      column("StorageClass", "string", "StorageClass of the pv"),
      column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
      column("Reason", "string", fieldDoc("core.v1.PersistentVolumeStatus", "reason")),
      ageColumn,
      column("VolumeMode", "string", fieldDoc("core.v1.PersistentVolumeSpec", "volumeMode"), 1),
    ],
    cells: (obj, now) => {
      const claim = obj.spec?.claimRef;
      return [
        obj.metadata.name,
        storage(obj.spec?.capacity),
        accessModes(obj.spec?.accessModes),
        obj.spec?.persistentVolumeReclaimPolicy ?? "",
        obj.metadata.deletionTimestamp ? "Terminating" : (obj.status?.phase ?? ""),
        claim ? `${claim.namespace ?? ""}/${claim.name ?? ""}` : "",
        obj.spec?.storageClassName ?? "",
        obj.spec?.volumeAttributesClassName ?? "<unset>",
        obj.status?.reason ?? "",
        age(obj.metadata.creationTimestamp, now),
        obj.spec?.volumeMode ?? "<unset>",
      ];
    },
  },
});
