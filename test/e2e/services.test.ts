import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("services");
const k = cluster.kubectl;

describe("services with the real kubectl", () => {
  it("shows the kubernetes service in a new sandbox", async () => {
    const r = await k("get", "svc");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(/^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s$/);
    expect((await k("get", "svc", "-o", "wide")).stdout).toMatch(/\s+SELECTOR\n.*\s+<none>$/m);
  });

  it("describes the kubernetes service with its endpoint from the EndpointSlice", async () => {
    const r = await k("describe", "svc", "kubernetes");
    expect(r.code).toBe(0);
    for (const line of [
      /^Name:\s+kubernetes$/m,
      /^Labels:\s+component=apiserver$/m,
      /^\s+provider=kubernetes$/m,
      /^Type:\s+ClusterIP$/m,
      /^IP Family Policy:\s+SingleStack$/m,
      /^IP Families:\s+IPv4$/m,
      /^IP:\s+10\.96\.0\.1$/m,
      /^Port:\s+https\s+443\/TCP$/m,
      /^TargetPort:\s+6443\/TCP$/m,
      /^Endpoints:\s+192\.168\.49\.2:6443$/m,
      /^Session Affinity:\s+None$/m,
      /^Internal Traffic Policy:\s+Cluster$/m,
    ])
      expect(r.stdout).toMatch(line);
    expect((await k("get", "endpoints", "kubernetes")).stdout).toMatch(
      /^kubernetes\s+192\.168\.49\.2:6443\s+\d+s$/m,
    );
    expect((await k("get", "endpointslices")).stdout).toMatch(
      /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\nkubernetes\s+IPv4\s+6443\s+192\.168\.49\.2\s+\d+s$/m,
    );
  });

  it("creates a ClusterIP service imperatively (kubectl sends protobuf)", async () => {
    expect((await k("create", "service", "clusterip", "my-svc", "--tcp=80:8080")).stdout.trim()).toBe(
      "service/my-svc created",
    );
    const svc = JSON.parse((await k("get", "svc", "my-svc", "-o", "json")).stdout);
    expect(svc.spec).toMatchObject({
      type: "ClusterIP",
      selector: { app: "my-svc" },
      ports: [{ name: "80-8080", port: 80, protocol: "TCP", targetPort: 8080 }],
    });
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect((await k("get", "svc", "my-svc")).stdout).toMatch(
      new RegExp(
        `^my-svc\\s+ClusterIP\\s+${svc.spec.clusterIP.replaceAll(".", "\\.")}\\s+<none>\\s+80/TCP\\s+\\d+s$`,
        "m",
      ),
    );
  });

  it("creates a NodePort service from a manifest, applies it again unchanged, and refuses its node port twice", async () => {
    const manifest = (name: string) =>
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        `  name: ${name}`,
        "spec:",
        "  type: NodePort",
        "  selector:",
        "    app: web",
        "  ports:",
        "  - port: 80",
        "    targetPort: 8080",
        "    nodePort: 30080",
        "",
      ].join("\n");
    const file = join(cluster.service.dataDir, "nodeport.yaml");
    await writeFile(file, manifest("web"));
    expect((await k("create", "-f", file)).stdout.trim()).toBe("service/web created");
    expect((await k("get", "svc", "web")).stdout).toMatch(
      /^web\s+NodePort\s+10\.\S+\s+<none>\s+80:30080\/TCP\s+\d+s$/m,
    );
    const clusterIP = (await k("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}")).stdout;
    expect((await k("apply", "-f", file)).stderr).not.toMatch(/error/i);
    expect((await k("apply", "-f", file)).stdout.trim()).toBe("service/web unchanged");
    expect((await k("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}")).stdout).toBe(clusterIP);
    const other = join(cluster.service.dataDir, "nodeport-2.yaml");
    await writeFile(other, manifest("web2"));
    const refused = await k("create", "-f", other);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'The Service "web2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
  });

  it("serves manual Endpoints and an EndpointSlice for a service without a selector", async () => {
    const file = join(cluster.service.dataDir, "manual.yaml");
    await writeFile(
      file,
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: external-db}",
        "spec:",
        "  ports: [{name: db, port: 5432}]",
        "---",
        "apiVersion: v1",
        "kind: Endpoints",
        "metadata: {name: external-db}",
        "subsets: [{addresses: [{ip: 10.1.2.3}, {ip: 10.1.2.4}], ports: [{name: db, port: 5432}]}]",
        "---",
        "apiVersion: discovery.k8s.io/v1",
        "kind: EndpointSlice",
        "metadata:",
        "  name: external-db-1",
        "  labels: {kubernetes.io/service-name: external-db}",
        "addressType: IPv4",
        "ports: [{name: db, port: 5432}]",
        "endpoints: [{addresses: [10.1.2.3]}, {addresses: [10.1.2.4]}]",
        "",
      ].join("\n"),
    );
    expect((await k("create", "-f", file)).stdout.trim().split("\n")).toEqual([
      "service/external-db created",
      "endpoints/external-db created",
      "endpointslice.discovery.k8s.io/external-db-1 created",
    ]);
    expect((await k("get", "ep", "external-db")).stdout).toMatch(
      /^external-db\s+10\.1\.2\.3:5432,10\.1\.2\.4:5432\s+\d+s$/m,
    );
    expect((await k("describe", "svc", "external-db")).stdout).toMatch(
      /^Endpoints:\s+10\.1\.2\.3:5432,10\.1\.2\.4:5432$/m,
    );
  });

  it("allocates a random node port for kubectl create service nodeport", async () => {
    expect((await k("create", "service", "nodeport", "np", "--tcp=8080:80")).stdout.trim()).toBe(
      "service/np created",
    );
    expect((await k("get", "svc", "np")).stdout).toMatch(
      /^np\s+NodePort\s+\S+\s+<none>\s+8080:3\d{4}\/TCP\s+\d+s$/m,
    );
  });
});
