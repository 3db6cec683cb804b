import { clone } from "../../object.ts";
import type { Service, ServiceStatus } from "../../types/core-v1.ts";
import { defineKind } from "../kind.ts";
import { validateClusterIPsUpdate, validateIPFamiliesUpdate } from "./cluster-ips.ts";
import { defaultService } from "./defaults.ts";
import { servicePrinter } from "./printer.ts";
import { serviceSpec, specOf } from "./spec.ts";
import {
  dropTypeDependentFields,
  normalizeClusterIPs,
  patchAllocatedValues,
  validateLoadBalancerUpdate,
} from "./update.ts";
import { validateServiceSpec } from "./validation.ts";

/** Status carried over from the stored object; its load balancer part only while the type is LoadBalancer. */
function keepStatus(obj: Service, old: Service): void {
  const status: ServiceStatus = { loadBalancer: {}, ...old.status };
  if (specOf(obj).type !== "LoadBalancer") status.loadBalancer = {};
  obj.status = status;
}

/**
 * core/v1 Service: defaults and validation as the API server's, ClusterIP/NodePort allocation in
 * allocation-admission.ts, printed as `kubectl get svc` prints it.
 */
export const serviceKind = defineKind<Service>({
  apiVersion: "v1",
  resource: "services",
  kind: "Service",
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  nameRule: "dns1035Label",
  subresources: ["status"],
  // Services have a spec but, unlike workloads, no metadata.generation.
  hasSpec: false,
  selectableFields: { "spec.clusterIP": ["spec", "clusterIP"], "spec.type": ["spec", "type"] },
  printer: servicePrinter,
  defaults: defaultService,
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
    normalizeClusterIPs(specOf(obj), null);
  },
  prepareForUpdate(obj, old) {
    const spec = specOf(obj);
    const oldSpec = clone(old.spec ?? {});
    // Resubmitted manifests keep what was allocated; a type change drops what no longer applies.
    patchAllocatedValues(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
    keepStatus(obj, old);
  },
  validate: (obj) => validateServiceSpec(serviceSpec(obj)),
  validateUpdate(obj, old) {
    const spec = serviceSpec(obj);
    const oldSpec = serviceSpec(clone(old));
    return [
      ...validateClusterIPsUpdate(spec, oldSpec),
      ...validateIPFamiliesUpdate(spec, oldSpec),
      ...validateLoadBalancerUpdate(spec, oldSpec),
    ];
  },
});
