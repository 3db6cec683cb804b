import {
  duplicate,
  type FieldError,
  forbiddenField,
  invalidValue,
  notSupported,
  required,
} from "../../../errors.ts";
import { dns1123LabelProblems } from "../../../meta/names.ts";
import { isPlainObject } from "../../../object.ts";
import { parseQuantity } from "../../../quantity/quantity.ts";
import { type Json, records, text } from "../../../validation/json.ts";
import { validateObjectFieldSelector, validateResourceFieldSelector, volumeFieldPaths } from "./downward.ts";
import {
  badFileMode,
  fileModeMessage,
  validateLocalNonReservedPath,
  validatePathNoBacksteps,
} from "./paths.ts";

/**
 * Every VolumeSource field, in the order validateVolumeSource checks them, with the child name its
 * "more than 1 volume type" error uses (the API server's own, typos included).
 */
const volumeSources: [key: string, errorPath: string][] = [
  ["emptyDir", "emptyDir"],
  ["hostPath", "hostPath"],
  ["gitRepo", "gitRepo"],
  ["gcePersistentDisk", "gcePersistentDisk"],
  ["awsElasticBlockStore", "awsElasticBlockStore"],
  ["secret", "secret"],
  ["nfs", "nfs"],
  ["iscsi", "iscsi"],
  ["glusterfs", "glusterfs"],
  ["flocker", "flocker"],
  ["persistentVolumeClaim", "persistentVolumeClaim"],
  ["rbd", "rbd"],
  ["cinder", "cinder"],
  ["cephfs", "cephFS"],
  ["quobyte", "quobyte"],
  ["downwardAPI", "downwarAPI"],
  ["fc", "fc"],
  ["flexVolume", "flexVolume"],
  ["configMap", "configMap"],
  ["azureFile", "azureFile"],
  ["vsphereVolume", "vsphereVolume"],
  ["photonPersistentDisk", "photonPersistentDisk"],
  ["portworxVolume", "portworxVolume"],
  ["azureDisk", "azureDisk"],
  ["storageos", "storageos"],
  ["projected", "projected"],
  ["scaleIO", "scaleIO"],
  ["csi", "csi"],
  ["ephemeral", "ephemeral"],
  ["image", "image"],
];

const hostPathTypes = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];

function validateMode(mode: unknown, field: string): FieldError[] {
  return badFileMode(mode) ? [invalidValue(field, mode, fileModeMessage)] : [];
}

/** validateKeyToPath: an item of a secret or configMap volume. */
function validateKeyToPath(item: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!text(item.key)) errors.push(required(`${path}.key`));
  if (!text(item.path)) errors.push(required(`${path}.path`));
  errors.push(...validateLocalNonReservedPath(text(item.path), `${path}.path`));
  errors.push(...validateMode(item.mode, `${path}.mode`));
  return errors;
}

function validateItems(items: unknown, path: string): FieldError[] {
  return records(items).flatMap((item, i) => validateKeyToPath(item, `${path}[${i}]`));
}

/** validateDownwardAPIVolumeFile; the API server reports these at the source's path, not the item's. */
function validateDownwardFile(file: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!text(file.path)) errors.push(required(`${path}.path`));
  errors.push(...validateLocalNonReservedPath(text(file.path), `${path}.path`));
  if (isPlainObject(file.fieldRef)) {
    errors.push(...validateObjectFieldSelector(file.fieldRef, volumeFieldPaths, `${path}.fieldRef`));
    if (isPlainObject(file.resourceFieldRef))
      errors.push(
        invalidValue(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"),
      );
  } else if (isPlainObject(file.resourceFieldRef))
    errors.push(...validateResourceFieldSelector(file.resourceFieldRef, `${path}.resourceFieldRef`, true));
  else errors.push(required(path, "one of fieldRef and resourceFieldRef is required"));
  errors.push(...validateMode(file.mode, `${path}.mode`));
  return errors;
}

function validateProjected(projected: Json, path: string): FieldError[] {
  const errors = validateMode(projected.defaultMode, `${path}.defaultMode`);
  const seen = new Set<string>();
  const claim = (p: unknown, name: unknown) => {
    if (!text(p)) return;
    if (seen.has(text(p))) errors.push(invalidValue(path, name, "conflicting duplicate paths"));
    seen.add(text(p));
  };
  records(projected.sources).forEach((source, i) => {
    const at = `${path}.sources[${i}]`;
    let count = 0;
    for (const key of ["secret", "configMap"] as const) {
      const ref = source[key];
      if (!isPlainObject(ref)) continue;
      count++;
      if (!text(ref.name)) errors.push(required(`${at}.${key}.name`));
      records(ref.items).forEach((item, j) => {
        errors.push(...validateKeyToPath(item, `${at}.${key}.items[${j}]`));
        claim(item.path, ref.name);
      });
    }
    if (isPlainObject(source.downwardAPI)) {
      count++;
      for (const file of records(source.downwardAPI.items)) {
        errors.push(...validateDownwardFile(file, `${at}.downwardAPI`));
        claim(file.path, file.path);
      }
    }
    if (isPlainObject(source.serviceAccountToken)) {
      count++;
      const token = source.serviceAccountToken;
      const seconds = typeof token.expirationSeconds === "number" ? token.expirationSeconds : 0;
      if (seconds < 600)
        errors.push(
          invalidValue(
            `${at}.serviceAccountToken.expirationSeconds`,
            seconds,
            "may not specify a duration less than 10 minutes",
          ),
        );
      if (seconds > 2 ** 32)
        errors.push(
          invalidValue(
            `${at}.serviceAccountToken.expirationSeconds`,
            seconds,
            "may not specify a duration larger than 2^32 seconds",
          ),
        );
      if (!text(token.path)) errors.push(required(`${path}.path`));
      else errors.push(...validateLocalNonReservedPath(text(token.path), `${path}.path`));
    }
    if (count > 1) errors.push(forbiddenField(at, "may not specify more than 1 volume type per source"));
  });
  return errors;
}

/** The checks of the sources we know in depth; the others only count towards "one source". */
function validateSource(key: string, source: Json, path: string): FieldError[] {
  switch (key) {
    case "emptyDir": {
      const limit = parseQuantity(source.sizeLimit);
      return limit !== null && limit < 0
        ? [forbiddenField(`${path}.sizeLimit`, "SizeLimit field must be a valid resource quantity")]
        : [];
    }
    case "hostPath": {
      const p = text(source.path);
      if (!p) return [required(`${path}.path`)];
      const errors = validatePathNoBacksteps(p, `${path}.path`);
      if (typeof source.type === "string" && !hostPathTypes.includes(source.type))
        errors.push(notSupported(`${path}.type`, source.type, hostPathTypes));
      return errors;
    }
    case "secret": {
      const errors = text(source.secretName) ? [] : [required(`${path}.secretName`)];
      return [
        ...errors,
        ...validateMode(source.defaultMode, `${path}.defaultMode`),
        ...validateItems(source.items, `${path}.items`),
      ];
    }
    case "configMap": {
      const errors = text(source.name) ? [] : [required(`${path}.name`)];
      return [
        ...errors,
        ...validateMode(source.defaultMode, `${path}.defaultMode`),
        ...validateItems(source.items, `${path}.items`),
      ];
    }
    case "persistentVolumeClaim":
      return text(source.claimName) ? [] : [required(`${path}.claimName`)];
    case "downwardAPI":
      return [
        ...validateMode(source.defaultMode, `${path}.defaultMode`),
        ...records(source.items).flatMap((file) => validateDownwardFile(file, path)),
      ];
    case "projected":
      return validateProjected(source, path);
    case "nfs": {
      const errors: FieldError[] = [];
      if (!text(source.server)) errors.push(required(`${path}.server`));
      if (!text(source.path)) errors.push(required(`${path}.path`));
      if (!text(source.path).startsWith("/"))
        errors.push(invalidValue(`${path}.path`, text(source.path), "must be an absolute path"));
      return errors;
    }
    default:
      return [];
  }
}

/** validateVolumeSource: exactly one source, and that source well-formed. */
function validateVolumeSource(volume: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  let count = 0;
  for (const [key, errorPath] of volumeSources) {
    const source = volume[key];
    if (source === undefined || source === null) continue;
    if (count > 0) {
      errors.push(forbiddenField(`${path}.${errorPath}`, "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errors.push(...validateSource(key, isPlainObject(source) ? source : {}, `${path}.${key}`));
  }
  if (count === 0) errors.push(required(path, "must specify a volume type"));
  return errors;
}

/**
 * ValidateVolumes: names present, DNS-1123 labels and unique, one well-formed source each.
 * Returns the volumes that passed, by name, for volumeMounts to reference.
 */
export function validateVolumes(
  volumes: unknown,
  path: string,
): { byName: Map<string, Json>; errors: FieldError[] } {
  const byName = new Map<string, Json>();
  const errors: FieldError[] = [];
  records(volumes).forEach((volume, i) => {
    const at = `${path}[${i}]`;
    const name = text(volume.name);
    const own = validateVolumeSource(volume, at);
    if (!name) own.push(required(`${at}.name`));
    else for (const p of dns1123LabelProblems(name)) own.push(invalidValue(`${at}.name`, name, p));
    if (byName.has(name)) own.push(duplicate(`${at}.name`, name));
    // A volume with any problem is left out, so mounts of it are reported as not found too.
    if (own.length === 0) byName.set(name, volume);
    else errors.push(...own);
  });
  return { byName, errors };
}
