import { invalidValue } from "../../errors.ts";
import { age } from "../../go/human-duration.ts";
import { ageColumn, nameColumn } from "../../printing/table.ts";
import type { EndpointSlice } from "../../types/discovery-v1.ts";
import { defineKind } from "../kind.ts";
import { defaultSlice, formatSliceEndpoints, formatSlicePorts, validateSlice } from "./slice.ts";

function column(name: string, description: string) {
  return { name, type: "string" as const, description, priority: 0 };
}

/** Everything but metadata, and the labels: what bumps an EndpointSlice's generation. */
function content(obj: EndpointSlice): string {
  const { metadata, ...rest } = obj;
  return JSON.stringify([rest, metadata.labels ?? {}]);
}

/** discovery.k8s.io/v1 EndpointSlice: a service's endpoints in slices, found by kubernetes.io/service-name. */
export const endpointSliceKind = defineKind<EndpointSlice>({
  apiVersion: "discovery.k8s.io/v1",
  resource: "endpointslices",
  kind: "EndpointSlice",
  namespaced: true,
  // No spec, but a generation that moves with any change beyond metadata.
  hasSpec: true,
  printer: {
    columns: [
      nameColumn,
      column(
        "AddressType",
        "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.",
      ),
      column(
        "Ports",
        'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
      ),
      column(
        "Endpoints",
        "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.",
      ),
      ageColumn,
    ],
    cells: (obj, now) => [
      obj.metadata.name,
      obj.addressType ?? "",
      formatSlicePorts(obj.ports ?? []),
      formatSliceEndpoints(obj.endpoints ?? []),
      age(obj.metadata.creationTimestamp, now),
    ],
  },
  defaults: defaultSlice,
  prepareForUpdate(obj, old) {
    if (content(obj) !== content(old)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  },
  validate: validateSlice,
  validateUpdate(obj, old) {
    return obj.addressType === old.addressType
      ? []
      : [invalidValue("addressType", obj.addressType, "field is immutable")];
  },
});
