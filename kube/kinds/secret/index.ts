import { badRequest } from "../../errors.ts";
import { decodeBase64 } from "../../go/base64.ts";
import { age } from "../../go/human-duration.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { Secret } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";
import { secretTypes, validateSecret, validateSecretUpdate } from "./validation.ts";

/** Padded standard base64 without line breaks: what Node decodes exactly as Go does. */
const plainBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A data value as Go re-encodes the []byte it decoded: canonical, padded base64. */
function canonicalBase64(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // The common case, fast; anything else (line breaks, non-zero padding bits) as Go decodes it.
  if (plainBase64.test(text)) {
    const bytes = Buffer.from(text, "base64");
    if (bytes.toString("base64") === text) return text;
  }
  const decoded = decodeBase64(text);
  if (!decoded.ok)
    throw badRequest(
      `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${decoded.offset}`,
    );
  return decoded.bytes.toString("base64");
}

/**
 * What the API server does to a decoded Secret before validation: stringData is merged into
 * data, overwriting its keys, and dropped (the v1 → internal conversion); data is held as bytes,
 * so it serves canonical base64, keys sorted, and an empty map not at all; the type defaults to
 * Opaque.
 */
function prepare(obj: KubeObject): void {
  const { stringData } = obj;
  delete obj.stringData;
  const data: Record<string, unknown> = isPlainObject(obj.data) ? { ...obj.data } : {};
  if (isPlainObject(stringData))
    for (const [key, value] of Object.entries(stringData))
      data[key] = Buffer.from(String(value ?? ""), "utf8").toString("base64");
  // Go writes a map's keys sorted.
  const keys = Object.keys(data).sort();
  if (keys.length) obj.data = Object.fromEntries(keys.map((key) => [key, canonicalBase64(data[key])]));
  else delete obj.data;
  if (!obj.type) obj.type = secretTypes.opaque;
  if (obj.immutable === null) delete obj.immutable;
}

/**
 * core/v1 Secret: data by key (base64), of a type that may require keys, optionally immutable.
 * Stored encrypted (db/crypto/secret-sealer.ts); printed with its type and key count, never values.
 */
export const secretKind = defineKind<Secret>({
  apiVersion: "v1",
  resource: "secrets",
  kind: "Secret",
  namespaced: true,
  selectableFields: { type: ["type"] },
  sensitiveFields: ["data", "stringData"],
  printer: {
    columns: [
      nameColumn,
      {
        name: "Type",
        type: "string",
        description:
          "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
        priority: 0,
      },
      {
        name: "Data",
        type: "string",
        description:
          "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
        priority: 0,
      },
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.type ?? "",
      Object.keys(obj.data ?? {}).length,
      age(obj.metadata.creationTimestamp, now),
    ],
  },
  defaults: prepare,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
});
