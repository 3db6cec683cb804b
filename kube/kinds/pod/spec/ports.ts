import { type FieldError, invalidValue, notSupported, required } from "../../../errors.ts";
import { duplicate, inclusiveRange } from "../../../validation/field.ts";
import { type Json, records, text } from "../../../validation/json.ts";

/** IsValidPortNum: 1–65535. */
export function portNumberProblems(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRange(1, 65535)];
}

/** IsValidPortName: an IANA service name — at most 15 of [-a-z0-9], a letter, no `--`, no hyphen at either end. */
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

const protocols = ["SCTP", "TCP", "UDP"];

/** validateContainerPorts: names unique and IANA-valid, port numbers in range, a known protocol. */
export function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  records(ports).forEach((port, i) => {
    const at = `${path}[${i}]`;
    const name = text(port.name);
    if (name) {
      const problems = portNameProblems(name);
      if (problems.length) for (const p of problems) errors.push(invalidValue(`${at}.name`, name, p));
      else if (names.has(name)) errors.push(duplicate(`${at}.name`, name));
      else names.add(name);
    }
    const containerPort = port.containerPort;
    if (!containerPort) errors.push(required(`${at}.containerPort`));
    else
      for (const p of portNumberProblems(Number(containerPort)))
        errors.push(invalidValue(`${at}.containerPort`, containerPort, p));
    const hostPort = port.hostPort;
    if (hostPort)
      for (const p of portNumberProblems(Number(hostPort)))
        errors.push(invalidValue(`${at}.hostPort`, hostPort, p));
    const protocol = text(port.protocol);
    if (!protocol) errors.push(required(`${at}.protocol`));
    else if (!protocols.includes(protocol)) errors.push(notSupported(`${at}.protocol`, protocol, protocols));
  });
  return errors;
}

/** checkHostPortConflicts: the same protocol, host IP and host port twice is a Duplicate. */
export function validateHostPortConflicts(
  containers: Json[],
  path: string,
  seen = new Set<string>(),
): FieldError[] {
  const errors: FieldError[] = [];
  containers.forEach((c, i) => {
    records(c.ports).forEach((port, j) => {
      if (!port.hostPort) return;
      const key = `${text(port.protocol)}/${text(port.hostIP)}/${String(port.hostPort)}`;
      if (seen.has(key)) errors.push(duplicate(`${path}[${i}].ports[${j}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errors;
}
