import type { SandboxWriter } from "../../db/store.ts";
import { type FieldError, invalid } from "../../kube/errors.ts";
import { parseIPv4 } from "../../kube/go/ip.ts";
import {
  type Allocated,
  allocateClusterIPs,
  allocateHealthCheckNodePort,
  allocateNodePorts,
} from "../../kube/kinds/service/allocate.ts";
import { initIPFamilyFields } from "../../kube/kinds/service/ip-families.ts";
import { portsOf, type ServiceSpec, serviceSpec } from "../../kube/kinds/service/spec.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { AdmissionPlugin, AdmissionRequest } from "../admission.ts";

/**
 * What the sandbox's services hold, less the one being updated (`self`). The write holds the
 * sandbox lock, so nothing can take an address between this read and the commit. On create a
 * service of the same name counts too: the API server allocates before it finds the name taken.
 */
async function allocatedByOthers(
  w: SandboxWriter,
  self: { namespace: string; name: string } | null,
): Promise<Allocated> {
  const rows = await w.tx<{ spec: ServiceSpec | null }[]>`
    SELECT body->'spec' AS spec FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = 'services'
      AND NOT (namespace = ${self?.namespace ?? ""} AND name = ${self?.name ?? ""})`;
  const allocated: Allocated = { ips: new Set(), nodePorts: new Set() };
  for (const { spec } of rows) {
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
    const spec = serviceSpec(obj);
    const old = req.old ? serviceSpec(structuredClone(req.old)) : null;
    const fail = (errors: FieldError[]) => {
      if (errors.length) throw invalid("", "Service", name, errors);
    };
    fail(initIPFamilyFields(spec, old));
    const self = old ? { namespace: obj.metadata.namespace ?? "", name } : null;
    const allocated = await allocatedByOthers(req.w, self);
    fail(clusterIPErrors(spec, old, allocated, req.dryRun));
    fail(allocateNodePorts(spec, old, allocated, Math.random));
    allocateHealthCheckNodePort(spec, old, allocated, Math.random);
  },
};
