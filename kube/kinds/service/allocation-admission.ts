import type { AdmissionPlugin, AdmissionRequest } from "../../admission/plugin.ts";
import { type FieldError, invalid } from "../../errors.ts";
import { parseIPv4 } from "../../go/ip.ts";
import { clone, type KubeObject } from "../../object.ts";
import type { ObjectStore } from "../../object-store.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { viewAs } from "../kind.ts";
import {
  type Allocated,
  allocateClusterIPs,
  allocateHealthCheckNodePort,
  allocateNodePorts,
} from "./allocate.ts";
import { serviceKind } from "./index.ts";
import { initIPFamilyFields } from "./ip-families.ts";
import { portsOf, specOf } from "./spec.ts";

/**
 * What the sandbox's services hold, less the one being updated (`self`). The write holds the
 * sandbox lock, so nothing can take an address between this read and the commit. On create a
 * service of the same name counts too: the API server allocates before it finds the name taken.
 */
async function allocatedByOthers(
  objects: ObjectStore,
  self: { namespace: string; name: string } | null,
): Promise<Allocated> {
  const services = await objects.list("services", null);
  const allocated: Allocated = { ips: new Set(), nodePorts: new Set() };
  for (const service of services) {
    const { namespace = "", name = "" } = service.metadata;
    if (self && namespace === self.namespace && name === self.name) continue;
    const spec = viewAs(serviceKind, service).spec;
    if (!spec) continue;
    for (const ip of spec.clusterIPs ?? []) {
      const n = parseIPv4(ip);
      if (n !== null) allocated.ips.add(n);
    }
    for (const p of portsOf(spec)) if (p.nodePort) allocated.nodePorts.add(p.nodePort);
    if (spec.healthCheckNodePort) allocated.nodePorts.add(spec.healthCheckNodePort);
  }
  return allocated;
}

/** Cluster IPs: new services get one; a service leaving ExternalName gets one; others keep theirs. */
function clusterIPErrors(
  spec: ServiceSpec,
  old: ServiceSpec | null,
  allocated: Allocated,
  dryRun: boolean,
): FieldError[] {
  if (old && old.type !== "ExternalName") return [];
  return allocateClusterIPs(spec, allocated, dryRun, Math.random);
}

/**
 * ClusterIP and NodePort allocation (the service REST storage's BeginCreate/BeginUpdate): IP
 * families, a cluster IP from the sandbox's 10.96.0.0/12, node ports from 30000-32767, unique
 * within the sandbox; requested values honoured or refused with the API server's 422.
 */
export const serviceAllocation: AdmissionPlugin = {
  name: "ServiceAllocation",
  resources: ["services"],
  async mutate(req: AdmissionRequest, obj: KubeObject) {
    if (req.subresource === "status") return;
    const name = obj.metadata.name ?? "";
    const spec = specOf(viewAs(serviceKind, obj));
    const old = req.old ? clone(viewAs(serviceKind, req.old).spec ?? {}) : null;
    const fail = (errors: FieldError[]) => {
      if (errors.length) throw invalid("", "Service", name, errors);
    };
    fail(initIPFamilyFields(spec, old));
    const self = old ? { namespace: obj.metadata.namespace ?? "", name } : null;
    const allocated = await allocatedByOthers(req.objects, self);
    fail(clusterIPErrors(spec, old, allocated, req.dryRun));
    fail(allocateNodePorts(spec, old, allocated, Math.random));
    allocateHealthCheckNodePort(spec, old, allocated, Math.random);
  },
};
