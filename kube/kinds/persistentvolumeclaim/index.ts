import { age } from "../../go/human-duration.ts";
import { fieldDoc } from "../../openapi/definitions.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { PersistentVolumeClaim } from "../../types/core-v1.ts";
import { defineKind, readOnlyVerbs } from "../kind.ts";
import { accessModes, storage } from "../persistentvolume/volumes.ts";
import { column } from "../workload/spec.ts";

/**
 * v1 PersistentVolumeClaim, served read-only until volumes are simulated: listed and read (a
 * sandbox has none, as `kubectl apply --prune` without an allowlist lists every default prune
 * kind), a write refused with the API server's 405 for a verb a resource does not have. Its
 * printer is the API server's.
 */
export const persistentVolumeClaimKind = defineKind<PersistentVolumeClaim>({
  apiVersion: "v1",
  resource: "persistentvolumeclaims",
  kind: "PersistentVolumeClaim",
  namespaced: true,
  shortNames: ["pvc"],
  verbs: readOnlyVerbs,
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column("Status", "string", fieldDoc("core.v1.PersistentVolumeClaimStatus", "phase")),
      column("Volume", "string", fieldDoc("core.v1.PersistentVolumeClaimSpec", "volumeName")),
      column("Capacity", "string", fieldDoc("core.v1.PersistentVolumeClaimStatus", "capacity")),
      column("Access Modes", "string", fieldDoc("core.v1.PersistentVolumeClaimStatus", "accessModes")),
      column("StorageClass", "string", "StorageClass of the pvc"),
      column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
      ageColumn,
      column("VolumeMode", "string", fieldDoc("core.v1.PersistentVolumeClaimSpec", "volumeMode"), 1),
    ],
    cells: (obj, now) => {
      const bound = !!obj.spec?.volumeName;
      return [
        obj.metadata.name,
        obj.metadata.deletionTimestamp ? "Terminating" : (obj.status?.phase ?? ""),
        obj.spec?.volumeName ?? "",
        bound ? storage(obj.status?.capacity) : "",
        bound ? accessModes(obj.status?.accessModes) : "",
        obj.spec?.storageClassName ?? "",
        obj.spec?.volumeAttributesClassName ?? "<unset>",
        age(obj.metadata.creationTimestamp, now),
        obj.spec?.volumeMode ?? "<unset>",
      ];
    },
  },
});
