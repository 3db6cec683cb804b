import { isValidIP } from "../go/ip.ts";
import type { NetworkWorld, PodView } from "./world.ts";

/**
 * CoreDNS as a pod with dnsPolicy ClusterFirst sees it: the cluster domain's records (services,
 * headless services' endpoints, pods' dashed names), the pod's /etc/hosts (localhost, its own
 * hostname), the search path `<ns>.svc.cluster.local svc.cluster.local cluster.local` with
 * ndots:5, and no Internet (a sandbox has none, so every other name is NXDOMAIN).
 */

/** The cluster domain. */
export const clusterDomain = "cluster.local";
/** The kube-dns service's ClusterIP, the pods' nameserver. */
export const dnsServerIP = "10.96.0.10";

/** An answer: the name that matched (after the search path), its canonical name, its addresses. */
export interface DnsAnswer {
  name: string;
  /** The ExternalName a CNAME points to, when the name is one. */
  cname?: string;
  ips: string[];
  /** Whether the answer came from /etc/hosts (or is an IP literal), not from the nameserver. */
  local: boolean;
}

/** The pod's search path, as the kubelet writes its resolv.conf. */
export function searchPath(namespace: string): string[] {
  return [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
}

/** What the pod's /etc/hosts answers: localhost and its own names. */
function hostsEntry(self: PodView | null, name: string): string[] | null {
  if (name === "localhost" || name === "localhost.localdomain") return ["127.0.0.1"];
  if (name === "ip6-localhost" || name === "ip6-loopback") return ["::1"];
  if (!self) return null;
  const host = self.hostname || self.name;
  const names = [host];
  if (self.subdomain) names.push(`${host}.${self.subdomain}.${self.namespace}.svc.${clusterDomain}`);
  return names.includes(name) && self.ip ? [self.ip] : null;
}

/** The records of one fully qualified name (without the trailing dot), or null for NXDOMAIN. */
export function lookupFQDN(world: NetworkWorld, fqdn: string): Omit<DnsAnswer, "local"> | null {
  const name = fqdn.toLowerCase();
  const suffix = `.${clusterDomain}`;
  if (!name.endsWith(suffix)) return null;
  const labels = name.slice(0, -suffix.length).split(".");
  if (labels.length === 3 && labels[2] === "pod") {
    const ip = (labels[0] ?? "").replaceAll("-", ".");
    return isValidIP(ip) && !ip.includes(":") ? { name, ips: [ip] } : null;
  }
  if (labels[labels.length - 1] !== "svc") return null;
  if (labels.length === 3) {
    const [svc, ns] = labels;
    const service = world.services.find((s) => s.namespace === ns && s.name === svc);
    if (!service) return null;
    if (service.externalName) {
      const target = service.externalName.replace(/\.$/, "");
      const inner = lookupFQDN(world, target);
      return { name, cname: target, ips: inner?.ips ?? [] };
    }
    if (service.clusterIP) return { name, ips: [service.clusterIP] };
    const ready = (world.endpoints.get(`${ns}/${svc}`) ?? []).filter((e) => e.ready).map((e) => e.ip);
    return ready.length ? { name, ips: [...new Set(ready)] } : null;
  }
  if (labels.length === 4) {
    const [host, svc, ns] = labels;
    const ep = (world.endpoints.get(`${ns}/${svc}`) ?? []).find((e) => e.hostname === host && e.ready);
    return ep ? { name, ips: [ep.ip] } : null;
  }
  return null;
}

/**
 * Resolves a name as the pod's resolver does: an IP literal as is, /etc/hosts, then the
 * nameserver through the search path (ndots:5: a name with fewer than five dots tries the
 * search path first; a trailing dot means the name is absolute). null: NXDOMAIN.
 */
export function resolveName(world: NetworkWorld, self: PodView | null, name: string): DnsAnswer | null {
  const bare = name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  if (isValidIP(bare)) return { name: bare, ips: [bare], local: true };
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith(".") || name.includes("..")) return null;
  const hosts = hostsEntry(self, name.replace(/\.$/, ""));
  if (hosts) return { name: name.replace(/\.$/, ""), ips: hosts, local: true };
  if (name.endsWith(".")) return withLocal(lookupFQDN(world, name.slice(0, -1)));
  const namespace = self?.namespace ?? "default";
  const searched = searchPath(namespace).map((domain) => `${name}.${domain}`);
  const dots = name.split(".").length - 1;
  const order = dots >= 5 ? [name, ...searched] : [...searched, name];
  for (const candidate of order) {
    const answer = lookupFQDN(world, candidate);
    if (answer) return withLocal(answer);
  }
  return null;
}

function withLocal(answer: Omit<DnsAnswer, "local"> | null): DnsAnswer | null {
  return answer ? { ...answer, local: false } : null;
}

/** The PTR name of a pod or service IP, as CoreDNS answers reverse lookups, or null. */
export function reverseName(world: NetworkWorld, ip: string): string | null {
  const service = world.services.find((s) => s.clusterIP === ip);
  if (service) return `${service.name}.${service.namespace}.svc.${clusterDomain}`;
  const pod = world.pods.find((p) => p.ip === ip && !p.hostNetwork);
  if (pod) return `${ip.replaceAll(".", "-")}.${pod.namespace}.pod.${clusterDomain}`;
  return null;
}
