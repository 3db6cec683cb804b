import { describe, expect, it } from "vitest";
import { fetchOverNetwork } from "../../../kube/network/http-client.ts";
import { probeOverNetwork } from "../../../kube/network/probe.ts";
import { containerPlan } from "../../../kube/runtime/container-plan.ts";
import { pullImage } from "../../../kube/runtime/images.ts";
import type { Container } from "../../../kube/types/core-v1.ts";
import { networkFrom, pod, tutorialWorld } from "./world-fixture.ts";

/**
 * The kubelet's network probes against the simulated images, with pkg/probe's messages: gRPC
 * health checks answered by a server that speaks gRPC (etcd), and failing to connect where
 * nothing listens or the server speaks no gRPC.
 */

const agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.53";
const world = tutorialWorld({
  pods: [
    pod("etcd", "10.244.2.9", ["registry.k8s.io/etcd:3.5.1-0"], { command: ["/usr/local/bin/etcd"] }),
    pod("grpc", "10.244.2.10", [agnhost], {
      command: ["/agnhost", "grpc-health-checking", "--port=5001", "--service=app"],
    }),
    // Started long before the clock's now (the fixture's start time): its delay has passed.
    pod("tired", "10.244.2.11", [agnhost], {
      command: ["/agnhost", "grpc-health-checking", "--delay-unhealthy-sec", "10"],
    }),
  ],
});
const { net } = networkFrom(world, null);
const view = (name: string) => world.pods.find((p) => p.name === name) ?? (undefined as never);
const spec = (image: string): Container => ({ name: "c", image });

describe("grpc probes", () => {
  it("etcd's command, as the docs' example runs it, keeps running", async () => {
    const image = "registry.k8s.io/etcd:3.5.1-0";
    const pull = pullImage(image);
    if (!pull.ok) throw new Error("etcd does not pull");
    const plan = await containerPlan(
      { metadata: { name: "etcd", namespace: "default" }, spec: { containers: [] } },
      { name: "etcd", image, command: ["/usr/local/bin/etcd", "--data-dir", "/var/lib/etcd"] },
      pull.info,
    );
    expect(plan).toEqual({ kind: "forever" });
  });

  it("succeed against etcd's health service", async () => {
    const r = await probeOverNetwork(net, view("etcd"), spec("registry.k8s.io/etcd:3.5.1-0"), {
      grpc: { port: 2379 },
    });
    expect(r).toEqual({ ok: true, message: "service healthy" });
  });

  it("fail for a service the server does not know, with the RPC's status", async () => {
    const r = await probeOverNetwork(net, view("etcd"), spec("registry.k8s.io/etcd:3.5.1-0"), {
      grpc: { port: 2379, service: "liveness" },
    });
    expect(r).toEqual({
      ok: false,
      message: "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service",
    });
  });

  it("fail to connect within the timeout where nothing listens, or the server speaks no gRPC", async () => {
    const closed = await probeOverNetwork(net, view("etcd"), spec("registry.k8s.io/etcd:3.5.1-0"), {
      grpc: { port: 9999 },
      timeoutSeconds: 3,
    });
    expect(closed).toEqual({
      ok: false,
      message: 'timeout: failed to connect service "10.244.2.9:9999" within 3s: context deadline exceeded',
    });
    const http = await probeOverNetwork(net, view("web1"), spec("nginx"), { grpc: { port: 80 } });
    expect(http).toEqual({
      ok: false,
      message: 'timeout: failed to connect service "10.244.1.5:80" within 1s: context deadline exceeded',
    });
  });

  it("etcd answers HTTP's /health on the same port", async () => {
    const r = await fetchOverNetwork(net, {
      url: new URL("http://10.244.2.9:2379/health"),
      method: "GET",
      headers: [["Host", "10.244.2.9:2379"]],
      body: "",
    });
    expect(r.kind === "response" ? r.response.body : r.kind).toBe('{"health":"true","reason":""}');
  });

  it("agnhost grpc-health-checking answers for its --service, and turns NOT_SERVING after its delay", async () => {
    const serving = await probeOverNetwork(net, view("grpc"), spec(agnhost), {
      grpc: { port: 5001, service: "app" },
    });
    expect(serving).toEqual({ ok: true, message: "service healthy" });
    const other = await probeOverNetwork(net, view("grpc"), spec(agnhost), {
      grpc: { port: 5001, service: "" },
    });
    expect(other?.message).toBe(
      "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service",
    );
    const tired = await probeOverNetwork(net, view("tired"), spec(agnhost), {
      grpc: { port: 5000, service: "" },
    });
    expect(tired).toEqual({ ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' });
  });
});
