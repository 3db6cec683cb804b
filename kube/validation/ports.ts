/**
 * The port rules every kind with ports shares (apimachinery's IsValidPortNum and IsValidPortName,
 * core validation's protocol and appProtocol checks): containers, probes, services, endpoints and
 * endpoint slices.
 */
import { type FieldError, invalidValue, notSupported, required } from "../errors.ts";
import { qualifiedNameProblems } from "../meta/labels.ts";
import { inclusiveRange } from "./messages.ts";

/** The protocols a port may name, sorted as the API server lists them. */
export const supportedProtocols = ["SCTP", "TCP", "UDP"];

/** IsValidPortNum: 1–65535. */
export function portNumberProblems(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRange(1, 65535)];
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

/** The field errors of a port number (IsValidPortNum) at `field`. */
export function validatePortNumber(port: number, field: string): FieldError[] {
  return portNumberProblems(port).map((p) => invalidValue(field, port, p));
}

/** ValidatePortNumOrName: a port number, or an IANA service name (anything else reads as port 0). */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === "string") return portNameProblems(port).map((p) => invalidValue(field, port, p));
  return validatePortNumber(typeof port === "number" ? port : 0, field);
}

/** A port's protocol: required, and one of supportedProtocols. */
export function validateProtocol(protocol: string | undefined, field: string): FieldError[] {
  if (!protocol) return [required(field)];
  return supportedProtocols.includes(protocol) ? [] : [notSupported(field, protocol, supportedProtocols)];
}

/** A port's appProtocol, when given: a qualified name. */
export function validateAppProtocol(appProtocol: string | undefined, field: string): FieldError[] {
  if (appProtocol === undefined) return [];
  return qualifiedNameProblems(appProtocol).map((p) => invalidValue(field, appProtocol, p));
}
