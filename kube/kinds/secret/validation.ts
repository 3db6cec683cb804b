import { type FieldError, forbiddenField, invalidValue, required } from "../../errors.ts";
import { goJsonObjectError } from "../../go/json-syntax.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import { configKeyProblems } from "../../validation/config-key.ts";
import { immutableMessage } from "../../validation/messages.ts";

/** core.MaxSecretSize: what a Secret's data may hold, decoded, in all. */
export const maxSecretSize = 1024 * 1024;

/** The Secret types with required keys or annotations, and the keys they require. */
export const secretTypes = {
  opaque: "Opaque",
  serviceAccountToken: "kubernetes.io/service-account-token",
  dockercfg: "kubernetes.io/dockercfg",
  dockerConfigJson: "kubernetes.io/dockerconfigjson",
  basicAuth: "kubernetes.io/basic-auth",
  sshAuth: "kubernetes.io/ssh-auth",
  tls: "kubernetes.io/tls",
} as const;

const serviceAccountNameKey = "kubernetes.io/service-account.name";
const immutableDetail = "field is immutable when `immutable` is set";

/**
 * A Secret's data, decoded: key → bytes. Values were checked as base64 by decoding and made
 * canonical by the kind's defaults, which Node's decoder reads exactly as Go's.
 */
export function secretData(obj: KubeObject): Map<string, Buffer> {
  const data = isPlainObject(obj.data) ? obj.data : {};
  const out = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(data))
    out.set(key, Buffer.from(typeof value === "string" ? value : "", "base64"));
  return out;
}

/** The key must hold JSON (an object or null), or the value is refused, redacted, with Go's error. */
function jsonKeyErrors(data: Map<string, Buffer>, key: string): FieldError[] {
  const bytes = data.get(key);
  if (bytes === undefined) return [required(`data[${key}]`)];
  const problem = goJsonObjectError(bytes);
  return problem ? [invalidValue(`data[${key}]`, "<secret contents redacted>", problem)] : [];
}

/** The keys (or annotation) a Secret's type requires. */
function typeErrors(obj: KubeObject, data: Map<string, Buffer>): FieldError[] {
  switch (obj.type) {
    case secretTypes.serviceAccountToken:
      return obj.metadata.annotations?.[serviceAccountNameKey]
        ? []
        : [required(`metadata.annotations[${serviceAccountNameKey}]`)];
    case secretTypes.dockercfg:
      return jsonKeyErrors(data, ".dockercfg");
    case secretTypes.dockerConfigJson:
      return jsonKeyErrors(data, ".dockerconfigjson");
    case secretTypes.basicAuth:
      // Either may be empty, but one of them must be there.
      return data.has("username") || data.has("password")
        ? []
        : [required("data[username]"), required("data[password]")];
    case secretTypes.sshAuth:
      return data.get("ssh-privatekey")?.length ? [] : [required("data[ssh-privatekey]")];
    case secretTypes.tls:
      return ["tls.crt", "tls.key"].filter((k) => !data.has(k)).map((k) => required(`data[${k}]`));
    default:
      // Opaque, bootstrap tokens and any other type: no required keys.
      return [];
  }
}

/** ValidateSecret: config keys, at most 1 MiB of decoded data, and what the type requires. */
export function validateSecret(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const data = secretData(obj);
  let size = 0;
  for (const [key, bytes] of data) {
    for (const p of configKeyProblems(key)) errors.push(invalidValue(`data[${key}]`, key, p));
    size += bytes.length;
  }
  if (size > maxSecretSize)
    errors.push({
      type: "FieldValueTooLong",
      field: "data",
      body: `Too long: may not be more than ${maxSecretSize} bytes`,
    });
  return [...errors, ...typeErrors(obj, data)];
}

/** Whether two data maps hold the same keys and bytes. */
function sameData(a: KubeObject, b: KubeObject): boolean {
  const x = secretData(a);
  const y = secretData(b);
  return x.size === y.size && [...x].every(([k, v]) => y.get(k)?.equals(v) ?? false);
}

/** ValidateSecretUpdate: the type never changes; once immutable, data and the flag are frozen. */
export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (obj.type !== old.type) errors.push(invalidValue("type", obj.type ?? "", immutableMessage));
  if (old.immutable === true) {
    if (obj.immutable !== true) errors.push(forbiddenField("immutable", immutableDetail));
    if (!sameData(obj, old)) errors.push(forbiddenField("data", immutableDetail));
  }
  return errors;
}
