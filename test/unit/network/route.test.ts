import { describe, expect, it } from "vitest";
import { memoryBalancer } from "../../../kube/network/balancer.ts";
import { lookupFQDN, resolveName, reverseName } from "../../../kube/network/dns.ts";
import { answersPing, originOf, route } from "../../../kube/network/route.ts";
import { endpoints, pod, service, tutorialWorld } from "./world-fixture.ts";

const world = tutorialWorld({
  pods: [pod("other-ns", "10.244.2.9", ["nginx"], { namespace: "team" })],
  services: [
    service("api", "10.96.200.1", [{ port: 80, targetPort: "http" }], { namespace: "team" }),
    service("ext", "", [], { type: "ExternalName", externalName: "websvc.default.svc.cluster.local" }),
    service("headless", "None", [{ port: 80 }]),
  ],
  endpoints: [
    endpoints(
      "headless",
      [
        { ip: "10.244.1.5", pod: "web1" },
        { ip: "10.244.2.7", pod: "web2", ready: false },
      ],
      [{ port: 80 }],
    ),
  ],
});
const client = world.pods.find((p) => p.name === "client");
if (!client) throw new Error("fixture");
const from = originOf(client);

describe("DNS from a pod (search path, ndots:5)", () => {
  it.each([
    ["websvc", "10.96.100.10"],
    ["websvc.default", "10.96.100.10"],
    ["websvc.default.svc", "10.96.100.10"],
    ["websvc.default.svc.cluster.local", "10.96.100.10"],
    ["websvc.default.svc.cluster.local.", "10.96.100.10"],
    ["api.team", "10.96.200.1"],
    ["kubernetes.default", "10.96.0.1"],
    ["10-244-2-7.default.pod.cluster.local", "10.244.2.7"],
    ["localhost", "127.0.0.1"],
    ["client", "10.244.1.9"],
    ["10.1.2.3", "10.1.2.3"],
  ])("%s resolves to %s", (name, ip) => {
    expect(resolveName(world, client, name)?.ips).toEqual([ip]);
  });

  it.each(["nosuch", "api", "websvc.team", "example.com", "websvc.default.svc.cluster", "a..b"])(
    "%s is NXDOMAIN",
    (name) => {
      expect(resolveName(world, client, name)).toBeNull();
    },
  );

  it("a headless service answers its ready endpoints' IPs", () => {
    expect(lookupFQDN(world, "headless.default.svc.cluster.local")?.ips).toEqual(["10.244.1.5"]);
  });

  it("an ExternalName service is a CNAME to its target", () => {
    const a = resolveName(world, client, "ext");
    expect(a?.cname).toBe("websvc.default.svc.cluster.local");
    expect(a?.ips).toEqual(["10.96.100.10"]);
  });

  it("reverse lookups name services and pods", () => {
    expect(reverseName(world, "10.96.100.10")).toBe("websvc.default.svc.cluster.local");
    expect(reverseName(world, "10.244.1.5")).toBe("10-244-1-5.default.pod.cluster.local");
    expect(reverseName(world, "10.9.9.9")).toBeNull();
  });
});

describe("kube-proxy routing", () => {
  it("balances a ClusterIP:port across ready endpoints to the targetPort, in turn", async () => {
    const balancer = memoryBalancer();
    const reached: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await route(world, from, "10.96.100.10", 8000, balancer);
      if (r.kind !== "open") throw new Error(r.kind);
      expect(r.port).toBe(80);
      expect(r.clientIP).toBe("10.244.1.9");
      reached.push(r.pod.name);
    }
    expect(reached).toEqual(["web1", "web2", "web1", "web2"]);
  });

  it("answers a NodePort at every node's IP, masquerading traffic from outside the pod network", async () => {
    for (const nodeIP of ["192.168.49.2", "192.168.49.3", "192.168.49.4"]) {
      const r = await route(world, { pod: null, ip: "192.168.49.1" }, nodeIP, 30080, memoryBalancer());
      expect(r.kind).toBe("open");
      if (r.kind === "open") expect(r.clientIP).toBe(nodeIP);
    }
  });

  it.each([
    ["a service without ready endpoints", "10.96.100.30", 80, "refused"],
    ["a service port that does not exist", "10.96.100.10", 80, "refused"],
    ["a pod port nothing listens on", "10.244.1.5", 8080, "refused"],
    ["a pod that serves nothing", "10.244.1.9", 80, "refused"],
    ["a node port no service has", "192.168.49.2", 31999, "refused"],
    ["an address no one has", "10.244.9.9", 80, "unreachable"],
    ["a pod's IP directly", "10.244.2.7", 80, "open"],
    ["redis's port", "10.244.3.4", 6379, "open"],
    ["loopback, the pod itself (centos serves nothing)", "127.0.0.1", 80, "refused"],
  ])("%s: %s:%d is %s", async (_what, ip, port, kind) => {
    expect((await route(world, from, ip, port, memoryBalancer())).kind).toBe(kind);
  });

  it("a named targetPort goes to the endpoint's port of that name", async () => {
    const named = tutorialWorld({
      services: [service("np", "10.96.50.1", [{ port: 80, targetPort: "web", name: "http" }])],
      endpoints: [endpoints("np", [{ ip: "10.244.1.5", pod: "web1" }], [{ port: 80, name: "http" }])],
    });
    const r = await route(named, from, "10.96.50.1", 80, memoryBalancer());
    expect(r.kind === "open" && r.pod.name).toBe("web1");
  });

  it("not-ready endpoints get no traffic", async () => {
    const w = tutorialWorld({
      services: [service("half", "10.96.60.1", [{ port: 80 }])],
      endpoints: [
        endpoints(
          "half",
          [
            { ip: "10.244.1.5", pod: "web1", ready: false },
            { ip: "10.244.2.7", pod: "web2" },
          ],
          [{ port: 80 }],
        ),
      ],
    });
    const b = memoryBalancer();
    for (let i = 0; i < 3; i++) {
      const r = await route(w, from, "10.96.60.1", 80, b);
      expect(r.kind === "open" && r.pod.name).toBe("web2");
    }
  });

  it("a container whose command replaces the image's server does not listen", async () => {
    const w = tutorialWorld({
      pods: [pod("quiet", "10.244.1.50", ["nginx"], { command: ["sleep", "3600"] })],
    });
    expect((await route(w, from, "10.244.1.50", 80, memoryBalancer())).kind).toBe("refused");
  });

  it("pods and nodes answer ping; ClusterIPs and unknown addresses do not", () => {
    expect(answersPing(world, from, "10.244.2.7")).toBe(true);
    expect(answersPing(world, from, "192.168.49.3")).toBe(true);
    expect(answersPing(world, from, "10.96.100.10")).toBe(false);
    expect(answersPing(world, from, "10.244.9.9")).toBe(false);
  });
});
