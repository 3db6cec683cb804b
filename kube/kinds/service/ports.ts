import { duplicate, type FieldError, invalidValue, required } from "../../errors.ts";
import { dns1123LabelProblems } from "../../meta/names.ts";
import type { ServicePort } from "../../types/core-v1.ts";
import {
  validateAppProtocol,
  validatePortNumber,
  validatePortNumOrName,
  validateProtocol,
} from "../../validation/ports.ts";

/**
 * validateServicePort: a name (required, and unique, when the service has several ports), the
 * port number, the protocol, the target port and the appProtocol.
 */
export function validateServicePort(
  sp: ServicePort,
  requireName: boolean,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const name = sp.name ?? "";
  if (requireName && !name) errors.push(required(`${path}.name`));
  else if (name) {
    for (const p of dns1123LabelProblems(name)) errors.push(invalidValue(`${path}.name`, name, p));
    if (names.has(name)) errors.push(duplicate(`${path}.name`, name));
    else names.add(name);
  }
  errors.push(
    ...validatePortNumber(sp.port ?? 0, `${path}.port`),
    ...validateProtocol(sp.protocol, `${path}.protocol`),
    ...validatePortNumOrName(sp.targetPort ?? 0, `${path}.targetPort`),
    ...validateAppProtocol(sp.appProtocol, `${path}.appProtocol`),
  );
  return errors;
}
