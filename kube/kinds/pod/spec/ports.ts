import { duplicate, type FieldError, invalidValue, required } from "../../../errors.ts";
import { type Json, records, text } from "../../../validation/json.ts";
import { portNameProblems, portNumberProblems, validateProtocol } from "../../../validation/ports.ts";

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
    errors.push(...validateProtocol(text(port.protocol), `${at}.protocol`));
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
