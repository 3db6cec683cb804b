import { duplicate, type FieldError, invalidValue, notSupported, required } from "../../errors.ts";
import { ipFamilyOf, specialIPProblems } from "../../go/ip.ts";
import { validateLabels } from "../../meta/labels.ts";
import { dns1123LabelProblems, dns1123SubdomainProblems } from "../../meta/names.ts";
import type { KubeObject } from "../../object.ts";
import type { Endpoint, EndpointPort } from "../../types/discovery-v1.ts";
import { validateAppProtocol, validateProtocol } from "../../validation/ports.ts";

/** The address types a new slice may carry, sorted as the API server lists them. */
export const supportedAddressTypes = ["FQDN", "IPv4", "IPv6"];

/** The endpoints of any object handed to the defaulting and validation hooks (absent is empty). */
export function sliceEndpoints(obj: KubeObject): Endpoint[] {
  // Decoding gave a list here the shape of []discovery.Endpoint.
  return Array.isArray(obj.endpoints) ? (obj.endpoints as Endpoint[]) : [];
}

/** The ports of any object handed to the defaulting and validation hooks (absent is empty). */
export function slicePorts(obj: KubeObject): EndpointPort[] {
  // Decoding gave a list here the shape of []discovery.EndpointPort.
  return Array.isArray(obj.ports) ? (obj.ports as EndpointPort[]) : [];
}

/** SetDefaults_EndpointPort: a port has a name ("") and a protocol (TCP). */
export function defaultSlice(obj: KubeObject): void {
  for (const p of slicePorts(obj)) {
    p.name ??= "";
    p.protocol ??= "TCP";
  }
}

function addressProblems(type: string, address: string): string[] {
  if (type === "IPv4")
    return ipFamilyOf(address) === "IPv4"
      ? specialIPProblems(address)
      : ["must be a valid IPv4 address", ...specialIPProblems(address)];
  if (type === "IPv6")
    return ipFamilyOf(address) === "IPv6"
      ? specialIPProblems(address)
      : ["must be a valid IPv6 address", ...specialIPProblems(address)];
  if (type === "FQDN") {
    const name = address.replace(/\.$/, "");
    const problems = dns1123SubdomainProblems(name);
    if (!problems.length && name.split(".").length < 2)
      problems.push("should be a domain with at least two segments separated by dots");
    return problems;
  }
  return [];
}

function validateEndpoints(endpoints: Endpoint[], type: string): FieldError[] {
  return endpoints.flatMap((ep, i) => {
    const path = `endpoints[${i}]`;
    const errors: FieldError[] = [];
    const addresses = ep.addresses ?? [];
    if (addresses.length === 0) errors.push(required(`${path}.addresses`, "must contain at least 1 address"));
    addresses.forEach((a, j) => {
      for (const p of addressProblems(type, a)) errors.push(invalidValue(`${path}.addresses[${j}]`, a, p));
    });
    errors.push(...validateLabels(ep.deprecatedTopology, `${path}.deprecatedTopology`));
    if (ep.hostname !== undefined)
      for (const p of dns1123LabelProblems(ep.hostname))
        errors.push(invalidValue(`${path}.hostname`, ep.hostname, p));
    return errors;
  });
}

function validatePorts(ports: EndpointPort[]): FieldError[] {
  const names = new Set<string>();
  return ports.flatMap((port, i) => {
    const path = `ports[${i}]`;
    const errors: FieldError[] = [];
    const name = port.name ?? "";
    if (name) for (const p of dns1123LabelProblems(name)) errors.push(invalidValue(`${path}.name`, name, p));
    if (names.has(name)) errors.push(duplicate(`${path}.name`, name));
    names.add(name);
    errors.push(
      ...validateProtocol(port.protocol, `${path}.protocol`),
      ...validateAppProtocol(port.appProtocol, `${path}.appProtocol`),
    );
    return errors;
  });
}

/** ValidateEndpointSlice without metadata: addressType, endpoints (addresses of that type), ports. */
export function validateSlice(obj: KubeObject): FieldError[] {
  const type = typeof obj.addressType === "string" ? obj.addressType : "";
  const errors: FieldError[] = [];
  if (!type) errors.push(required("addressType"));
  else if (!supportedAddressTypes.includes(type))
    errors.push(notSupported("addressType", type, supportedAddressTypes));
  return [...errors, ...validateEndpoints(sliceEndpoints(obj), type), ...validatePorts(slicePorts(obj))];
}

/** listWithMoreString: up to three, then "+ N more..."; "<unset>" when empty. */
function listWithMore(all: string[]): string {
  const max = 3;
  if (all.length > max) return `${all.slice(0, max).join(",")} + ${all.length - max} more...`;
  return all.length ? all.join(",") : "<unset>";
}

/** formatDiscoveryPorts: each port's number, else its name, else "*". */
export function formatSlicePorts(ports: EndpointPort[]): string {
  return listWithMore(ports.map((p) => (p.port != null ? String(p.port) : (p.name ?? "*"))));
}

/** formatDiscoveryEndpoints: every address of every endpoint. */
export function formatSliceEndpoints(endpoints: Endpoint[]): string {
  return listWithMore(endpoints.flatMap((e) => e.addresses ?? []));
}
