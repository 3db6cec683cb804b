import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubectlPath, useSandbox } from "../support/service.ts";

const cluster = useSandbox("service-traffic");
const k = cluster.kubectl;
/** A script run by sh in a pod (the test's kubectl appends its cache flag after the words: sh takes it as $0). */
const inPod = (pod: string, script: string) => k("exec", pod, "--", "sh", "-c", script);

async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

async function writeManifest(name: string, text: string): Promise<string> {
  const path = join(tmpdir(), `service-traffic-${process.pid}-${name}`);
  await writeFile(path, text);
  return path;
}

const running = (name: string) => async () =>
  (await k("get", "pod", name, "--no-headers")).stdout.includes("Running");
const endpointsOf = async (svc: string) =>
  (await k("get", "endpoints", svc, "-o", "jsonpath={.subsets[*].addresses[*].ip}")).stdout.trim();

describe("traffic from inside a pod, with the real kubectl", () => {
  it("curl in a pod reaches the service by ClusterIP, DNS name and NodePort, each replica in turn", async () => {
    for (const name of ["web1", "web2"])
      expect((await k("run", name, "--image=nginx", "--labels=app=web", "--port=80")).code).toBe(0);
    expect(
      (
        await k(
          "expose",
          "pod",
          "web1",
          "--name=websvc",
          "--port=8000",
          "--target-port=80",
          "--selector=app=web",
          "--type=NodePort",
        )
      ).code,
    ).toBe(0);
    const client = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "client" },
      spec: { containers: [{ name: "client", image: "centos", command: ["sleep", "3600"] }] },
    };
    expect((await k("create", "-f", await writeManifest("client.json", JSON.stringify(client)))).code).toBe(
      0,
    );
    const up = await waitFor(
      async () => (await running("web1")()) && (await running("web2")()) && (await running("client")()),
      20,
    );
    expect(up, (await k("get", "pods,endpoints")).stdout).toBe(true);
    const both = await waitFor(async () => (await endpointsOf("websvc")).split(" ").length === 2, 20);
    expect(both, (await k("get", "pods,endpoints")).stdout).toBe(true);

    const ip = (await k("get", "svc", "websvc", "-o", "jsonpath={.spec.clusterIP}")).stdout;
    expect((await inPod("client", `curl -s http://${ip}:8000/`)).stdout).toContain("Welcome to nginx!");
    for (const name of ["websvc", "websvc.default", "websvc.default.svc.cluster.local"])
      expect((await inPod("client", `curl -s http://${name}:8000/`)).stdout).toContain("Welcome to nginx!");
    const nodePort = (await k("get", "svc", "websvc", "-o", "jsonpath={.spec.ports[0].nodePort}")).stdout;
    const nodeIP = (await k("get", "nodes", "-o", "jsonpath={.items[2].status.addresses[0].address}")).stdout;
    expect((await inPod("client", `curl -s http://${nodeIP}:${nodePort}/`)).stdout).toContain(
      "Welcome to nginx!",
    );

    const served = async (pod: string) =>
      (await k("logs", pod)).stdout.split("\n").filter((l) => l.includes('"GET / HTTP/1.1" 200 615')).length;
    const before = [await served("web1"), await served("web2")];
    for (let i = 0; i < 4; i++) await inPod("client", `curl -s -o /dev/null http://websvc:8000/`);
    expect((await served("web1")) - (before[0] ?? 0)).toBe(2);
    expect((await served("web2")) - (before[1] ?? 0)).toBe(2);
    expect((await k("logs", "web1")).stdout).toMatch(
      /^10\.244\.\d+\.\d+ - - \[\d\d\/\w{3}\/\d{4}:[\d:]+ \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.5\.0" "-"$/m,
    );
  });

  it("curl's errors and exit codes come back through exec", async () => {
    const unresolved = await inPod("client", `curl -sS http://nosuch/`);
    expect(unresolved.code).toBe(6);
    expect(unresolved.stderr).toContain("curl: (6) Could not resolve host: nosuch");
    expect((await k("create", "service", "clusterip", "empty", "--tcp=80:80")).code).toBe(0);
    const refused = await inPod("client", `curl -sS http://empty/`);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain(
      "curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server",
    );
    const lookup = await inPod("client", `nslookup websvc`);
    expect(lookup.stdout).toContain("Name:\twebsvc.default.svc.cluster.local");
  });

  it("a readiness probe keeps a pod out of the service's endpoints until it passes", async () => {
    const manifest = JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "gated", labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx",
            readinessProbe: { exec: { command: ["cat", "/tmp/ready"] }, periodSeconds: 2 },
          },
        ],
      },
    });
    const created = await k("create", "-f", await writeManifest("gated.json", manifest));
    expect(created.code).toBe(0);
    expect(await waitFor(running("gated"), 30)).toBe(true);
    const gatedIP = async () => (await k("get", "pod", "gated", "-o", "jsonpath={.status.podIP}")).stdout;
    const notReady = async () =>
      (await k("get", "endpoints", "websvc", "-o", "jsonpath={.subsets[*].notReadyAddresses[*].ip}")).stdout;
    expect(await waitFor(async () => (await notReady()).includes(await gatedIP()), 20)).toBe(true);
    expect(await endpointsOf("websvc")).not.toContain(await gatedIP());
    expect((await k("get", "pod", "gated", "--no-headers")).stdout).toMatch(/^gated\s+0\/1\s+Running/);
    expect(
      await waitFor(
        async () =>
          /Warning\s+Unhealthy\s+.*Readiness probe failed: cat: \/tmp\/ready: No such file or directory/.test(
            (await k("describe", "pod", "gated")).stdout,
          ),
        15,
      ),
    ).toBe(true);

    expect((await inPod("gated", "touch /tmp/ready")).code).toBe(0);
    expect(await waitFor(async () => (await endpointsOf("websvc")).includes(await gatedIP()), 20)).toBe(true);
    expect((await k("get", "pod", "gated", "--no-headers")).stdout).toMatch(/^gated\s+1\/1\s+Running/);
  });
});

describe("probes against what the container serves, with the real kubectl", () => {
  it("an httpGet readiness probe passes once exec wrote the page it asks for", async () => {
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "page-gated" },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx",
            readinessProbe: { httpGet: { path: "/ready.html", port: 80 }, periodSeconds: 1 },
          },
        ],
      },
    };
    expect(
      (await k("create", "-f", await writeManifest("page-gated.json", JSON.stringify(manifest)))).code,
    ).toBe(0);
    expect(await waitFor(running("page-gated"), 30)).toBe(true);
    expect(
      await waitFor(
        async () =>
          /Readiness probe failed: HTTP probe failed with statuscode: 404/.test(
            (await k("describe", "pod", "page-gated")).stdout,
          ),
        20,
      ),
    ).toBe(true);
    expect((await inPod("page-gated", "echo ok > /usr/share/nginx/html/ready.html")).code).toBe(0);
    const ready = async () =>
      (await k("get", "pod", "page-gated", "-o", "jsonpath={.status.containerStatuses[0].ready}")).stdout ===
      "true";
    expect(await waitFor(ready, 20)).toBe(true);
  });

  it("gRPC probes: etcd's health service passes; a port that speaks no gRPC fails with the kubelet's message", async () => {
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "etcd-with-grpc" },
      spec: {
        containers: [
          {
            name: "etcd",
            image: "registry.k8s.io/etcd:3.5.1-0",
            command: [
              "/usr/local/bin/etcd",
              "--data-dir",
              "/var/lib/etcd",
              "--listen-client-urls",
              "http://0.0.0.0:2379",
              "--advertise-client-urls",
              "http://127.0.0.1:2379",
              "--log-level",
              "debug",
            ],
            ports: [{ containerPort: 2379 }],
            livenessProbe: { grpc: { port: 2379 }, initialDelaySeconds: 1, periodSeconds: 1 },
            readinessProbe: { grpc: { port: 2379 }, periodSeconds: 1 },
          },
          {
            name: "web",
            image: "nginx",
            readinessProbe: { grpc: { port: 80 }, periodSeconds: 1 },
          },
        ],
      },
    };
    expect((await k("create", "-f", await writeManifest("etcd.json", JSON.stringify(manifest)))).code).toBe(
      0,
    );
    expect(await waitFor(running("etcd-with-grpc"), 30)).toBe(true);
    const readyOf = async (i: number) =>
      (await k("get", "pod", "etcd-with-grpc", "-o", `jsonpath={.status.containerStatuses[${i}].ready}`))
        .stdout;
    expect(await waitFor(async () => (await readyOf(0)) === "true", 20)).toBe(true);
    const ip = (await k("get", "pod", "etcd-with-grpc", "-o", "jsonpath={.status.podIP}")).stdout;
    expect(
      await waitFor(
        async () =>
          (await k("describe", "pod", "etcd-with-grpc")).stdout.includes(
            `Readiness probe failed: timeout: failed to connect service "${ip}:80" within 1s: context deadline exceeded`,
          ),
        20,
      ),
    ).toBe(true);
    expect(await readyOf(1)).toBe("false");
    const described = (await k("describe", "pod", "etcd-with-grpc")).stdout;
    expect(described).not.toMatch(/Liveness probe failed/);
    expect(
      (await k("get", "pod", "etcd-with-grpc", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"))
        .stdout,
    ).toBe("0");
  });

  it("a gRPC liveness probe restarts agnhost once its health service turns NOT_SERVING", async () => {
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "grpc-tired" },
      spec: {
        containers: [
          {
            name: "agnhost",
            image: "registry.k8s.io/e2e-test-images/agnhost:2.53",
            command: ["/agnhost", "grpc-health-checking", "--delay-unhealthy-sec=2"],
            livenessProbe: { grpc: { port: 5000 }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    };
    expect(
      (await k("create", "-f", await writeManifest("grpc-tired.json", JSON.stringify(manifest)))).code,
    ).toBe(0);
    const restarts = async () =>
      Number(
        (await k("get", "pod", "grpc-tired", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"))
          .stdout || 0,
      );
    expect(await waitFor(async () => (await restarts()) >= 1, 40)).toBe(true);
    expect((await k("describe", "pod", "grpc-tired")).stdout).toMatch(
      /Warning\s+Unhealthy\s+.*Liveness probe failed: service unhealthy \(responded with "NOT_SERVING"\)/,
    );
  });
});

describe("a liveness probe, with the real kubectl", () => {
  it("restarts a container whose liveness probe fails, with the kubelet's events", async () => {
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "sick" },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx",
            livenessProbe: { httpGet: { path: "/healthz", port: 80 }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
      },
    };
    expect((await k("create", "-f", await writeManifest("sick.json", JSON.stringify(manifest)))).code).toBe(
      0,
    );
    const restarts = async () =>
      Number(
        (await k("get", "pod", "sick", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"))
          .stdout || 0,
      );
    expect(await waitFor(async () => (await restarts()) >= 1, 30)).toBe(true);
    const described = (await k("describe", "pod", "sick")).stdout;
    expect(described).toMatch(
      /Warning\s+Unhealthy\s+.*Liveness probe failed: HTTP probe failed with statuscode: 404/,
    );
    expect(described).toMatch(/Normal\s+Killing\s+.*Container web failed liveness probe, will be restarted/);
  });
});

describe("what nginx serves is its container's files, with the real kubectl", () => {
  it("a page written by exec is what curl gets from another pod through a Service, and the API's proxy", async () => {
    expect((await k("run", "edited", "--image=nginx", "--labels=app=edited", "--port=80")).code).toBe(0);
    expect((await k("expose", "pod", "edited", "--name=editsvc", "--port=80")).code).toBe(0);
    expect(await waitFor(running("edited"), 30)).toBe(true);
    expect(await waitFor(async () => (await endpointsOf("editsvc")) !== "", 20)).toBe(true);
    // client is the test above's.
    expect((await inPod("client", "curl -s http://editsvc/")).stdout).toContain("Welcome to nginx!");
    const wrote = await inPod("edited", "echo hello > /usr/share/nginx/html/index.html");
    expect(wrote.code, wrote.stderr).toBe(0);
    expect((await inPod("client", "curl -s http://editsvc/")).stdout).toBe("hello\n");
    const proxied = await k("get", "--raw", "/api/v1/namespaces/default/services/editsvc:80/proxy/");
    expect(proxied.stdout.trim()).toBe("hello");
    expect((await inPod("edited", "rm /usr/share/nginx/html/index.html")).code).toBe(0);
    const gone = await inPod("client", "curl -s -o /dev/null -w '%{http_code}' http://editsvc/");
    expect(gone.stdout).toBe("404");
  });
});

describe("the API's proxy to services and pods, with the real kubectl", () => {
  it("serves what nginx serves through services/NAME:PORT/proxy/ and pods/NAME/proxy/", async () => {
    // web1, web2 and websvc (8000 → 80) from the tests above.
    const svc = await k("get", "--raw", "/api/v1/namespaces/default/services/websvc:8000/proxy/");
    expect(svc.code, svc.stderr).toBe(0);
    expect(svc.stdout).toContain("<title>Welcome to nginx!</title>");
    const byScheme = await k("get", "--raw", "/api/v1/namespaces/default/services/http:websvc:8000/proxy/");
    expect(byScheme.stdout).toContain("Welcome to nginx!");
    const pod = await k("get", "--raw", "/api/v1/namespaces/default/pods/web2:80/proxy/");
    expect(pod.stdout).toContain("Welcome to nginx!");
    const podDefault = await k("get", "--raw", "/api/v1/namespaces/default/pods/web2/proxy/");
    expect(podDefault.stdout).toContain("Welcome to nginx!");
  });

  it("kubectl proxy, then curl on the host: the service's page", async () => {
    const child = spawn(
      kubectlPath,
      ["proxy", "--port=18194", `--cache-dir=${join(tmpdir(), "kubesandbox-kubectl-cache")}`],
      {
        env: { ...process.env, KUBECONFIG: cluster.sandbox.path },
      },
    );
    try {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      expect(await waitFor(async () => out.includes("Starting to serve on 127.0.0.1:18194"), 15)).toBe(true);
      const res = await fetch("http://127.0.0.1:18194/api/v1/namespaces/default/services/websvc:8000/proxy/");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<title>Welcome to nginx!</title>");
      const pod = await fetch("http://127.0.0.1:18194/api/v1/namespaces/default/pods/web2/proxy/nope");
      expect(pod.status).toBe(404);
      expect(await pod.text()).toContain("<center><h1>404 Not Found</h1></center>");
    } finally {
      child.kill("SIGINT");
    }
  });

  it("answers the API server's errors", async () => {
    const missingPage = await k("get", "--raw", "/api/v1/namespaces/default/services/websvc:8000/proxy/nope");
    expect(missingPage.code).toBe(1);
    expect(missingPage.stderr).toContain("NotFound");
    const noPort = await k("get", "--raw", "/api/v1/namespaces/default/services/websvc:9999/proxy/");
    expect(noPort.stderr).toContain('no service port 9999 found for service "websvc"');
    const noService = await k("get", "--raw", "/api/v1/namespaces/default/services/nosuch:80/proxy/");
    expect(noService.stderr).toContain('services "nosuch" not found');
    expect((await k("create", "service", "clusterip", "lonely", "--tcp=80:80")).code).toBe(0);
    expect(await waitFor(async () => (await k("get", "endpoints", "lonely")).code === 0, 20)).toBe(true);
    const lonely = await k("get", "--raw", "/api/v1/namespaces/default/services/lonely:80/proxy/");
    expect(lonely.stderr).toContain(
      'Error from server (ServiceUnavailable): no endpoints available for service "lonely"',
    );
    const refused = await k("get", "--raw", "/api/v1/namespaces/default/pods/web1:8080/proxy/");
    expect(refused.stderr).toContain("error trying to reach service: dial tcp");
    expect(refused.stderr).toContain(":8080: connect: connection refused");
  });
});
