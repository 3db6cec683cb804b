import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

/**
 * kubernetes-mcp-server (npm's linux-amd64 build of it; a Go binary built on client-go) drives a sandbox through the
 * kubeconfig as handed out: the Model Context Protocol over stdio, its tools calling the
 * Kubernetes API as client-go does (discovery, typed and dynamic clients, server-side apply).
 */
// Its own package's platform build, an optional dependency: the wrapper package's lock entries name
// builds for every platform, and npm ci refuses a lock without them where the registry lacks some.
const binary = resolve(
  import.meta.dirname,
  "../../node_modules/kubernetes-mcp-server-linux-amd64/bin/kubernetes-mcp-server-linux-amd64",
);

const cluster = useSandbox("mcp");

/** One MCP session over the server's stdin and stdout (JSON-RPC, a message per line). */
class McpSession {
  private child: ChildProcessWithoutNullStreams;
  private buffer = "";
  private nextId = 0;
  private waiting = new Map<number, (message: any) => void>();
  stderr = "";

  constructor(kubeconfig: string) {
    this.child = spawn(binary, [
      "--kubeconfig",
      kubeconfig,
      "--disable-multi-cluster",
      "--log-file",
      "stderr",
    ]);
    this.child.stderr.on("data", (d) => {
      this.stderr += d;
    });
    this.child.stdout.on("data", (d) => {
      this.buffer += d;
      for (let i = this.buffer.indexOf("\n"); i >= 0; i = this.buffer.indexOf("\n")) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        // The npm wrapper writes its own lines ("Received SIGTERM…") to stdout too.
        if (!line.startsWith("{")) continue;
        const message = JSON.parse(line);
        this.waiting.get(message.id)?.(message);
        this.waiting.delete(message.id);
      }
    });
  }

  request(method: string, params: unknown): Promise<any> {
    const id = ++this.nextId;
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${method}: no answer; stderr: ${this.stderr}`)), 30_000);
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        done(message);
      });
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  notify(method: string): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
  }

  /** Calls a tool; its text, and whether the tool reported an error. */
  async tool(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
    const answer = await this.request("tools/call", { name, arguments: args });
    if (answer.error) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
    const text = answer.result.content.map((c: { text: string }) => c.text).join("");
    return { text, isError: answer.result.isError === true };
  }

  close(): Promise<void> {
    return new Promise((done) => {
      this.child.once("exit", () => done());
      this.child.kill("SIGTERM");
    });
  }
}

let mcp: McpSession;
beforeAll(async () => {
  mcp = new McpSession(cluster.sandbox.path);
  const init = await mcp.request("initialize", {
    protocolVersion: "2025-03-26",
    capabilities: {},
    clientInfo: { name: "kubesandbox-e2e", version: "1" },
  });
  expect(init.result.serverInfo.name).toBe("kubernetes-mcp-server");
  mcp.notify("notifications/initialized");
});
afterAll(() => mcp?.close());

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: from-mcp
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: from-mcp}
  template:
    metadata:
      labels: {app: from-mcp}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe("kubernetes-mcp-server (client-go) against a sandbox", () => {
  it("offers its core tools", async () => {
    const { result } = await mcp.request("tools/list", {});
    const names = result.tools.map((t: { name: string }) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(["pods_list", "pods_log", "resources_create_or_update", "events_list"]),
    );
  });

  it("lists namespaces and nodes' pods as Tables", async () => {
    const namespaces = await mcp.tool("namespaces_list");
    expect(namespaces.isError).toBe(false);
    expect(namespaces.text).toMatch(/^APIVERSION\s+KIND\s+NAME\s+STATUS\s+AGE/);
    expect(namespaces.text).toMatch(/v1\s+Namespace\s+kube-system\s+Active/);
  });

  it("creates from YAML (server-side apply), then lists, reads, scales and deletes what it made", async () => {
    const created = await mcp.tool("resources_create_or_update", { resource: deployment });
    expect(created.isError, created.text).toBe(false);
    expect(created.text).toContain("manager: kubernetes-mcp-server");
    expect(created.text).toContain("operation: Apply");

    let pods = "";
    for (let i = 0; i < 40; i++) {
      pods = (await mcp.tool("pods_list_in_namespace", { namespace: "default" })).text;
      if ((pods.match(/from-mcp-\S+\s+1\/1\s+Running/g) ?? []).length === 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(pods.match(/from-mcp-\S+\s+1\/1\s+Running/g)).toHaveLength(2);
    // The server reads the scale and writes it back with its resourceVersion, as client-go's scale
    // client does, and retries no conflict: wait until the deployment controller has written its
    // last status for the rollout, as on a real cluster a conflict could otherwise meet it.
    const settled = "{.status.availableReplicas}/{.status.conditions[?(@.type=='Progressing')].reason}";
    let status = "";
    for (let i = 0; i < 40; i++) {
      status = (await cluster.kubectl("get", "deployment", "from-mcp", "-o", `jsonpath=${settled}`)).stdout;
      if (status === "2/NewReplicaSetAvailable") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe("2/NewReplicaSetAvailable");

    const got = await mcp.tool("resources_get", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "default",
      name: "from-mcp",
    });
    expect(got.text).toMatch(/replicas: 2/);

    const scaled = await mcp.tool("resources_scale", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "default",
      name: "from-mcp",
      scale: 3,
    });
    expect(scaled.isError, scaled.text).toBe(false);
    expect(
      (await cluster.kubectl("get", "deployment", "from-mcp", "-o", "jsonpath={.spec.replicas}")).stdout,
    ).toBe("3");

    const events = await mcp.tool("events_list", { namespace: "default" });
    expect(events.text).toMatch(/Reason: ScalingReplicaSet/);

    const deleted = await mcp.tool("resources_delete", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "default",
      name: "from-mcp",
    });
    expect(deleted.isError, deleted.text).toBe(false);
    const gone = await cluster.kubectl("get", "deployment", "from-mcp");
    expect(gone.stderr).toContain('deployments.apps "from-mcp" not found');
  });

  it("reads a pod's log as kubectl logs does, and a missing pod as NotFound", async () => {
    await cluster.kubectl("run", "talker", "--image=nginx:1.27");
    // Waiting for Ready first: asked while the container is still being created, kubectl and
    // the MCP server could each see a different moment (a refusal, then the log).
    const ready = await cluster.kubectl("wait", "--for=condition=Ready", "pod/talker", "--timeout=30s");
    expect(ready.code, ready.stderr).toBe(0);
    const viaKubectl = await cluster.kubectl("logs", "talker");
    expect(viaKubectl.code, viaKubectl.stderr).toBe(0);
    expect(viaKubectl.stdout).toContain("start worker process");
    const viaMcp = await mcp.tool("pods_log", { namespace: "default", name: "talker" });
    // Both go to pods/talker/log, so the MCP server shows kubectl's text.
    expect(viaMcp.text).toContain(viaKubectl.stdout.trim());
    const missing = await mcp.tool("pods_get", { namespace: "default", name: "nope" });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('pods "nope" not found');
  });
});
