import { badRequest, type FieldError, forbiddenField, invalidValue } from "../../errors.ts";
import { decodeBase64 } from "../../go/base64.ts";
import { age } from "../../go/human-duration.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { ConfigMap } from "../../types/core-v1.ts";
import { configKeyProblems } from "../../validation/config-key.ts";
import { defineKind } from "../kind.ts";

/** core.MaxSecretSize: what data and binaryData may hold together. */
export const maxConfigMapSize = 1024 * 1024;

const immutableDetail = "field is immutable when `immutable` is set";

function decodeError(detail: string): Error {
  return badRequest(`ConfigMap in version "v1" cannot be handled as a ConfigMap: ${detail}`);
}

function stringMap(obj: KubeObject, key: "data" | "binaryData"): Record<string, string> {
  const value = obj[key];
  return isPlainObject(value) ? (value as Record<string, string>) : {};
}

/** What decoding into the Go type checks: data holds strings, binaryData base64 strings. */
function decode(obj: KubeObject): void {
  for (const key of ["data", "binaryData"] as const) {
    const value = obj[key];
    if (value === null) delete obj[key];
    else if (value !== undefined && !isPlainObject(value))
      throw decodeError(
        `json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go struct field ConfigMap.${key} of type map[string]${key === "data" ? "string" : "[]uint8"}`,
      );
  }
  if (obj.immutable === null) delete obj.immutable;
  else if (obj.immutable !== undefined && typeof obj.immutable !== "boolean")
    throw decodeError(
      `json: cannot unmarshal ${typeof obj.immutable} into Go struct field ConfigMap.immutable of type bool`,
    );
  for (const v of Object.values(stringMap(obj, "data")))
    if (typeof v !== "string")
      throw decodeError(
        `json: cannot unmarshal ${typeof v} into Go struct field ConfigMap.data of type string`,
      );
  for (const v of Object.values(stringMap(obj, "binaryData"))) {
    if (typeof v !== "string")
      throw decodeError(`json: cannot unmarshal ${typeof v} into Go value of type []uint8`);
    const decoded = decodeBase64(v);
    if (!decoded.ok) throw decodeError(`illegal base64 data at input byte ${decoded.offset}`);
  }
}

/** ValidateConfigMap: keys are config keys, unique across data and binaryData, 1 MiB in all. */
export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const data = stringMap(obj, "data");
  const binary = stringMap(obj, "binaryData");
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const p of configKeyProblems(key)) errors.push(invalidValue(`data[${key}]`, key, p));
    if (Object.hasOwn(binary, key))
      errors.push(invalidValue(`data[${key}]`, key, "duplicate of key present in binaryData"));
    size += Buffer.byteLength(value);
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const p of configKeyProblems(key)) errors.push(invalidValue(`binaryData[${key}]`, key, p));
    const decoded = decodeBase64(value);
    size += decoded.ok ? decoded.bytes.length : 0;
  }
  // The path of the whole object, field.NewPath(""), prints as "[]".
  if (size > maxConfigMapSize)
    errors.push({
      type: "FieldValueTooLong",
      field: "[]",
      body: `Too long: may not be more than ${maxConfigMapSize} bytes`,
    });
  return errors;
}

/** Whether two string maps hold the same entries, in any order. */
function sameEntries(a: unknown, b: unknown): boolean {
  const x = isPlainObject(a) ? a : {};
  const y = isPlainObject(b) ? b : {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => k in y && x[k] === y[k]);
}

/** ValidateConfigMapUpdate: once immutable, it stays so, and its data cannot change. */
export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  if (old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (obj.immutable !== true) errors.push(forbiddenField("immutable", immutableDetail));
  if (!sameEntries(obj.data, old.data)) errors.push(forbiddenField("data", immutableDetail));
  if (!sameEntries(obj.binaryData, old.binaryData))
    errors.push(forbiddenField("binaryData", immutableDetail));
  return errors;
}

/** core/v1 ConfigMap: string and binary data by key, optionally immutable; printed with its key count. */
export const configMapKind = defineKind<ConfigMap>({
  apiVersion: "v1",
  resource: "configmaps",
  kind: "ConfigMap",
  namespaced: true,
  shortNames: ["cm"],
  printer: {
    columns: [
      nameColumn,
      {
        name: "Data",
        type: "string",
        description:
          "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
        priority: 0,
      },
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      Object.keys(obj.data ?? {}).length + Object.keys(obj.binaryData ?? {}).length,
      age(obj.metadata.creationTimestamp, now),
    ],
  },
  defaults: decode,
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
});
