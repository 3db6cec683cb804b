import { type FieldError, invalidValue, notSupported, required } from "../../errors.ts";
import { qualifiedNameProblems } from "../../meta/labels.ts";
import { dns1123LabelProblems } from "../../meta/names.ts";
import { duplicate } from "./go-values.ts";
import type { ServicePort } from "./spec.ts";

/** The protocols a port may name, sorted as the API server lists them. */
export const supportedProtocols = ["SCTP", "TCP", "UDP"];

/** IsValidPortNum's message, or null for 1–65535. */
export function portNumProblem(port: number): string | null {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? null
    : "must be between 1 and 65535, inclusive";
}

/** IsValidPortName: an IANA_SVC_NAME, at most 15 of [-a-z0-9] with a letter and no edge or double hyphens. */
export function portNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 15) problems.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name))
    problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(name)) problems.push("must contain at least one letter (a-z)");
  if (name.includes("--")) problems.push("must not contain consecutive hyphens");
  if (name.startsWith("-") || name.endsWith("-")) problems.push("must not begin or end with a hyphen");
  return problems;
}

/** ValidatePortNumOrName: a number in 1–65535 or a port name. */
export function validatePortNumOrName(value: number | string, field: string): FieldError[] {
  if (typeof value === "number") {
    const problem = portNumProblem(value);
    return problem ? [invalidValue(field, value, problem)] : [];
  }
  return portNameProblems(value).map((p) => invalidValue(field, value, p));
}

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
  const portProblem = portNumProblem(sp.port ?? 0);
  if (portProblem) errors.push(invalidValue(`${path}.port`, sp.port ?? 0, portProblem));
  if (!sp.protocol) errors.push(required(`${path}.protocol`));
  else if (!supportedProtocols.includes(sp.protocol))
    errors.push(notSupported(`${path}.protocol`, sp.protocol, supportedProtocols));
  errors.push(...validatePortNumOrName(sp.targetPort ?? 0, `${path}.targetPort`));
  if (sp.appProtocol !== undefined)
    for (const p of qualifiedNameProblems(sp.appProtocol))
      errors.push(invalidValue(`${path}.appProtocol`, sp.appProtocol, p));
  return errors;
}
