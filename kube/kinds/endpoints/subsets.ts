import { type FieldError, invalidValue, required } from "../../errors.ts";
import { isValidIP, specialIPProblems } from "../../go/ip.ts";
import { dns1123LabelProblems, dns1123SubdomainProblems } from "../../meta/names.ts";
import type { KubeObject } from "../../object.ts";
import type { EndpointAddress, EndpointPort, EndpointSubset } from "../../types/core-v1.ts";
import { validateAppProtocol, validatePortNumber, validateProtocol } from "../../validation/ports.ts";

/** The subsets of any object handed to the defaulting and validation hooks (absent is empty). */
export function subsetsOf(obj: KubeObject): EndpointSubset[] {
  // Decoding gave a list here the shape of []EndpointSubset.
  return Array.isArray(obj.subsets) ? (obj.subsets as EndpointSubset[]) : [];
}

/** SetDefaults_Endpoints: every port's protocol is TCP unless given. */
export function defaultEndpoints(obj: KubeObject): void {
  for (const ss of subsetsOf(obj)) for (const p of ss.ports ?? []) p.protocol ||= "TCP";
}

function validateAddress(addr: EndpointAddress, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const ip = addr.ip ?? "";
  if (!isValidIP(ip))
    errors.push(
      invalidValue(`${path}.ip`, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
    );
  if (addr.hostname)
    for (const p of dns1123LabelProblems(addr.hostname))
      errors.push(invalidValue(`${path}.hostname`, addr.hostname, p));
  if (addr.nodeName !== undefined)
    for (const p of dns1123SubdomainProblems(addr.nodeName))
      errors.push(invalidValue(`${path}.nodeName`, addr.nodeName, p));
  for (const p of specialIPProblems(ip)) errors.push(invalidValue(`${path}.ip`, ip, p));
  return errors;
}

function validatePort(port: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (requireName && !port.name) errors.push(required(`${path}.name`));
  else if (port.name)
    for (const p of dns1123LabelProblems(port.name)) errors.push(invalidValue(`${path}.name`, port.name, p));
  errors.push(
    ...validatePortNumber(port.port ?? 0, `${path}.port`),
    ...validateProtocol(port.protocol, `${path}.protocol`),
    ...validateAppProtocol(port.appProtocol, `${path}.appProtocol`),
  );
  return errors;
}

/** validateEndpointSubsets: each subset has addresses, valid non-special IPs, and valid ports. */
export function validateSubsets(subsets: EndpointSubset[]): FieldError[] {
  return subsets.flatMap((ss, i) => {
    const path = `subsets[${i}]`;
    const errors: FieldError[] = [];
    const addresses = ss.addresses ?? [];
    const notReady = ss.notReadyAddresses ?? [];
    if (addresses.length === 0 && notReady.length === 0)
      errors.push(required(path, "must specify `addresses` or `notReadyAddresses`"));
    for (const [j, a] of addresses.entries()) errors.push(...validateAddress(a, `${path}.addresses[${j}]`));
    for (const [j, a] of notReady.entries())
      errors.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`));
    const ports = ss.ports ?? [];
    for (const [j, p] of ports.entries())
      errors.push(...validatePort(p, ports.length > 1, `${path}.ports[${j}]`));
    return errors;
  });
}

/** JoinHostPort: IPv6 addresses in brackets. */
function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** formatEndpoints (ports=nil): up to three ready "ip:port" entries, then "+ N more..."; "<none>" without subsets. */
export function formatEndpoints(subsets: EndpointSubset[]): string {
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (entry: string) => {
    if (list.length === max) more = true;
    else list.push(entry);
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    // Headless services may have endpoints without ports.
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) add(a.ip ?? "");
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) add(hostPort(a.ip ?? "", p.port ?? 0));
    }
  }
  const joined = list.join(",");
  return more ? `${joined} + ${count - max} more...` : joined;
}
