import { definePodCommand, ok } from "./define.ts";

/**
 * Who and where the process is: a container's hostname is its pod's name (or spec.hostname
 * under spec.subdomain), it runs as root unless the pod says otherwise, on the node's kernel.
 */

/** The pod's hostname, as the kubelet sets it. */
function podHostname(world: Parameters<Parameters<typeof definePodCommand>[1]>[2]): string {
  return world.pod.spec?.hostname || world.pod.metadata.name || "localhost";
}

export const hostname = definePodCommand("hostname", async (args, _ctx, world) => {
  const name = podHostname(world);
  if (args.includes("-i") || args.includes("-I") || args.includes("--ip-address"))
    return ok(`${world.pod.status?.podIP ?? ""}${args.includes("-I") ? " " : ""}\n`);
  if (args.includes("-f") || args.includes("--fqdn")) {
    const sub = world.pod.spec?.subdomain;
    const ns = world.pod.metadata.namespace ?? "default";
    return ok(sub ? `${name}.${sub}.${ns}.svc.cluster.local\n` : `${name}\n`);
  }
  return ok(`${name}\n`);
});

function uid(world: Parameters<Parameters<typeof definePodCommand>[1]>[2]): number {
  return world.container.securityContext?.runAsUser ?? world.pod.spec?.securityContext?.runAsUser ?? 0;
}

export const whoami = definePodCommand("whoami", async (_args, _ctx, world) => {
  const id = uid(world);
  return id === 0
    ? ok("root\n")
    : { stdout: "", stderr: `whoami: cannot find name for user ID ${id}\n`, exitCode: 1 };
});

export const id = definePodCommand("id", async (args, _ctx, world) => {
  const u = uid(world);
  const g = world.container.securityContext?.runAsGroup ?? world.pod.spec?.securityContext?.runAsGroup ?? 0;
  if (args.includes("-u")) return ok(`${u}\n`);
  if (args.includes("-g")) return ok(`${g}\n`);
  const name = (n: number, kind: string) => (n === 0 ? "(root)" : kind === "u" ? "" : "");
  const groups = [g, ...(world.pod.spec?.securityContext?.supplementalGroups ?? [])];
  return ok(
    `uid=${u}${name(u, "u")} gid=${g}${name(g, "g")} groups=${groups.map((x) => `${x}${name(x, "g")}`).join(",")}\n`,
  );
});

/** The simulated nodes' kernel. */
export const kernelRelease = "6.8.0-1019-gke";

export const uname = definePodCommand("uname", async (args, _ctx, world) => {
  const node = world.pod.spec?.nodeName || world.pod.metadata.name || "localhost";
  const host = world.pod.spec?.hostname || world.pod.metadata.name || node;
  const parts: Record<string, string> = {
    s: "Linux",
    n: host,
    r: kernelRelease,
    v: "#1 SMP PREEMPT_DYNAMIC Mon Sep 16 10:07:18 UTC 2024",
    m: "x86_64",
    o: "GNU/Linux",
  };
  const flags = args.join("").replace(/-/g, "");
  if (flags.includes("a")) return ok(`${["s", "n", "r", "v", "m", "o"].map((k) => parts[k]).join(" ")}\n`);
  const chosen = [..."snrvmo"].filter((k) => flags.includes(k));
  return ok(`${(chosen.length ? chosen : ["s"]).map((k) => parts[k]).join(" ")}\n`);
});
