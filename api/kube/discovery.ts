import { kinds as storedKinds } from "../../kube/kinds/index.ts";
import { apiVersionOf } from "../../kube/kinds/kind.ts";
import { reviewResources } from "../../kube/reviews/resources.ts";

/** Every resource discovery lists: the stored kinds, then the reviews (served without storage). */
const kinds = [...storedKinds, ...reviewResources];

/** The group versions served, in discovery order: "v1" first. */
function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const k of kinds) seen.set(apiVersionOf(k), { group: k.group, version: k.version });
  return [...seen.values()];
}

/** What /version answers: Kubernetes 1.32, which kubectl's dispatcher picks its client by. */
export const versionInfo = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0",
  gitCommit: "70d3cc986aa8221cd1dfb1121852688902d3bf53",
  gitTreeState: "clean",
  buildDate: "2024-12-11T17:59:15Z",
  goVersion: "go1.23.3",
  compiler: "gc",
  platform: "linux/amd64",
};

const served = new Set(groupVersions().map(apiVersionOf));

/** Whether a group version is served at all (a path under one that is not has no handler). */
export function servesGroupVersion(group: string, version: string): boolean {
  return served.has(apiVersionOf({ group, version }));
}

/** GET /api: the legacy core group's versions. */
export function apiVersions(): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:8443" }],
  };
}

/** GET /apis: every named group and its versions. */
export function apiGroupList(): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions())
    if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups].map(([name, versions]) => {
      const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    }),
  };
}

/** GET /apis/<group>: one group. */
export function apiGroup(group: string): Record<string, unknown> | null {
  const group_ = (apiGroupList().groups as { name: string }[]).find((g) => g.name === group);
  return group_ ? { kind: "APIGroup", apiVersion: "v1", ...group_ } : null;
}

/** The verbs of each subresource, as the API server lists them (status, scale: get patch update). */
const subresourceVerbs: Record<string, string[]> = {
  log: ["get"],
  exec: ["create", "get"],
  attach: ["create", "get"],
  portforward: ["create", "get"],
  proxy: ["create", "delete", "get", "patch", "update"],
  binding: ["create"],
  eviction: ["create"],
  token: ["create"],
  finalize: ["update"],
};

/** The kind a subresource speaks, where it is not the parent's. */
const subresourceKinds: Record<string, string> = {
  scale: "Scale",
  binding: "Binding",
  eviction: "Eviction",
  token: "TokenRequest",
  log: "Pod",
  exec: "PodExecOptions",
  proxy: "PodProxyOptions",
};

/** GET /api/v1 or /apis/<group>/<version>: the resources of one group version, subresources included. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | null {
  const served = kinds.filter((k) => k.group === group && k.version === version);
  if (!served.length) return null;
  const resources = served.flatMap((k) => [
    {
      name: k.resource,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: k.verbs,
      ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
      ...(k.categories.length ? { categories: k.categories } : {}),
    },
    ...k.subresources.map((sub) => ({
      name: `${k.resource}/${sub}`,
      singularName: "",
      namespaced: k.namespaced,
      kind: subresourceKinds[sub] ?? k.kind,
      ...(sub === "scale" ? { group: "autoscaling", version: "v1" } : {}),
      ...(sub === "eviction" ? { group: "policy", version: "v1" } : {}),
      ...(sub === "token" ? { group: "authentication.k8s.io", version: "v1" } : {}),
      verbs: subresourceVerbs[sub] ?? ["get", "patch", "update"],
    })),
  ]);
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources,
  };
}
