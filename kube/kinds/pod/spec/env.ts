import { type FieldError, invalidValue, required } from "../../../errors.ts";
import { dns1123SubdomainProblems } from "../../../meta/names.ts";
import { isPlainObject } from "../../../object.ts";
import { configKeyProblems } from "../../../validation/config-key.ts";
import { type Json, record, records, text } from "../../../validation/json.ts";
import { envFieldPaths, validateObjectFieldSelector, validateResourceFieldSelector } from "./downward.ts";

/**
 * IsRelaxedEnvVarName, which 1.32 applies (RelaxedEnvironmentVariableValidation is on by default):
 * any printable ASCII but '='.
 */
function envNameProblems(name: string): string[] {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name)
    ? []
    : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

/** NameIsDNSSubdomain with prefix=true: a generated-name prefix may end in '-'. */
function prefixNameProblems(name: string): string[] {
  return dns1123SubdomainProblems(name.endsWith("-") ? `${name.slice(0, -1)}a` : name);
}

function validateKeySelector(ref: Json, path: string): FieldError[] {
  const errors = dns1123SubdomainProblems(text(ref.name)).map((p) =>
    invalidValue(`${path}.name`, text(ref.name), p),
  );
  const key = text(ref.key);
  if (!key) errors.push(required(`${path}.key`));
  else for (const p of configKeyProblems(key)) errors.push(invalidValue(`${path}.key`, key, p));
  return errors;
}

function validateValueFrom(ev: Json, path: string): FieldError[] {
  if (!isPlainObject(ev.valueFrom)) return [];
  const from = ev.valueFrom;
  const errors: FieldError[] = [];
  let sources = 0;
  if (isPlainObject(from.fieldRef)) {
    sources++;
    errors.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, `${path}.fieldRef`));
  }
  if (isPlainObject(from.resourceFieldRef)) {
    sources++;
    errors.push(...validateResourceFieldSelector(from.resourceFieldRef, `${path}.resourceFieldRef`, false));
  }
  if (isPlainObject(from.configMapKeyRef)) {
    sources++;
    errors.push(...validateKeySelector(from.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (isPlainObject(from.secretKeyRef)) {
    sources++;
    errors.push(...validateKeySelector(from.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (sources === 0)
    errors.push(
      invalidValue(
        path,
        "",
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    );
  else if (text(ev.value))
    errors.push(invalidValue(path, "", "may not be specified when `value` is not empty"));
  else if (sources > 1)
    errors.push(invalidValue(path, "", "may not have more than one field specified at a time"));
  return errors;
}

/** ValidateEnv: every variable named, its valueFrom well-formed. */
export function validateEnv(env: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  records(env).forEach((ev, i) => {
    const at = `${path}[${i}]`;
    const name = text(ev.name);
    if (!name) errors.push(required(`${at}.name`));
    else for (const p of envNameProblems(name)) errors.push(invalidValue(`${at}.name`, name, p));
    errors.push(...validateValueFrom(ev, `${at}.valueFrom`));
  });
  return errors;
}

function validateEnvSource(ref: Json, path: string): FieldError[] {
  const name = text(ref.name);
  if (!name) return [required(`${path}.name`)];
  return prefixNameProblems(name).map((p) => invalidValue(`${path}.name`, name, p));
}

/** ValidateEnvFrom: each source one ConfigMap or Secret, with a valid prefix. */
export function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  records(envFrom).forEach((ev, i) => {
    const at = `${path}[${i}]`;
    const prefix = text(ev.prefix);
    if (prefix) for (const p of envNameProblems(prefix)) errors.push(invalidValue(`${at}.prefix`, prefix, p));
    let sources = 0;
    if (isPlainObject(ev.configMapRef)) {
      sources++;
      errors.push(...validateEnvSource(record(ev.configMapRef), `${at}.configMapRef`));
    }
    if (isPlainObject(ev.secretRef)) {
      sources++;
      errors.push(...validateEnvSource(record(ev.secretRef), `${at}.secretRef`));
    }
    if (sources === 0)
      errors.push(invalidValue(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1)
      errors.push(invalidValue(path, "", "may not have more than one field specified at a time"));
  });
  return errors;
}
