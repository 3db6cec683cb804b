import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../kube/object.ts";
import { pullImage } from "../../../kube/runtime/images.ts";
import { mainProcess } from "../../../kube/runtime/shell/container.ts";
import { evaluate } from "../../../kube/runtime/shell/evaluate.ts";
import { renderTimes } from "../../../kube/runtime/shell/log-time.ts";
import type { ReadObjects } from "../../../kube/runtime/shell/world.ts";
import type { Container, Pod } from "../../../kube/types/core-v1.ts";
import { endpoints, nodes, pod, service } from "./world-fixture.ts";

/** The network's commands as the pod's shell runs them: in a container's loop and in an exec-like run. */

const start = Date.UTC(2026, 11, 7, 6, 0, 0);

function objectsOf(all: Record<string, KubeObject[]>): ReadObjects {
  return {
    get: async () => null,
    list: async (resource) => all[resource] ?? [],
  };
}

function twoContainerPod(): Pod {
  const p = pod("my-first-pod", "10.244.1.20", ["nginx", "centos"]) as Pod;
  const spec = p.spec as NonNullable<Pod["spec"]>;
  spec.containers = [
    { name: "my-nginx", image: "nginx" },
    {
      name: "my-centos",
      image: "centos",
      command: ["/bin/sh", "-c", "while : ; do curl http://localhost:80/; sleep 3; done"],
    },
  ];
  (p.status as NonNullable<Pod["status"]>).containerStatuses = spec.containers.map((c) => ({
    name: c.name,
    ready: true,
    restartCount: 0,
    image: c.image ?? "",
    imageID: "",
    state: { running: { startedAt: "2026-12-07T06:00:00Z" } },
  }));
  return p;
}

async function run(p: Pod, container: Container, objects: ReadObjects, seconds: number) {
  const pull = pullImage(container.image ?? "");
  if (!pull.ok) throw new Error(pull.message);
  return evaluate(
    mainProcess(
      { sandbox: "s1", pod: p, container, info: pull.info, objects },
      start,
      start + seconds * 1000,
    ),
  );
}

describe("network commands in the pod's shell", () => {
  it("the tutorial's curl loop gets nginx's page from localhost, and nginx logs each request", async () => {
    const p = twoContainerPod();
    const objects = objectsOf({ pods: [p], services: [], endpoints: [], nodes });
    const centos = p.spec?.containers?.[1] as Container;
    const result = await run(p, centos, objects, 7);
    const out = result.writes.map((w) => w.text).join("");
    expect(out).toContain("<title>Welcome to nginx!</title>");
    expect(out).toContain("% Total    % Received % Xferd");
    const nginxLines = result.appends.filter((a) => a.target.container === "my-nginx");
    // The loop's turns repeat: the shell keeps the turns before the repeating one, then the period.
    expect(nginxLines.length).toBeGreaterThanOrEqual(1);
    expect(result.period).not.toBeNull();
    expect(renderTimes(nginxLines[0]?.text ?? "", nginxLines[0]?.atMs ?? 0)).toBe(
      '127.0.0.1 - - [07/Dec/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"',
    );
  });

  it("curl to a service's DNS name reaches each replica in turn; a refused service exits 7", async () => {
    const client = pod("client", "10.244.1.9", ["centos"], { command: ["sleep", "3600"] }) as Pod;
    const objects = objectsOf({
      pods: [
        client,
        pod("web1", "10.244.1.5", ["nginx"], { labels: { app: "web" } }),
        pod("web2", "10.244.2.7", ["nginx"], { labels: { app: "web" } }),
      ],
      services: [
        service("websvc", "10.96.100.10", [{ port: 8000, targetPort: 80 }]),
        service("none", "10.96.100.11", [{ port: 80 }]),
      ],
      endpoints: [
        endpoints(
          "websvc",
          [
            { ip: "10.244.1.5", pod: "web1" },
            { ip: "10.244.2.7", pod: "web2" },
          ],
          [{ port: 80 }],
        ),
        endpoints("none", [], [{ port: 80 }]),
      ],
      nodes,
    });
    const script: Container = {
      name: "client",
      image: "centos",
      command: [
        "sh",
        "-c",
        "for i in 1 2 3 4; do curl -s websvc.default.svc.cluster.local:8000 | grep -c Welcome; done; curl -sS http://none/; echo exit=$?",
      ],
    };
    const result = await run(client, script, objects, 5);
    const out = result.writes.map((w) => w.text).join("");
    expect(out).toContain("2\n2\n2\n2\n"); // title and heading, in each of the four pages
    expect(out).toContain(
      "curl: (7) Failed to connect to none port 80 after 0 ms: Couldn't connect to server",
    );
    expect(out).toContain("exit=7");
    const served = result.appends.map((a) => a.target.pod);
    expect(served.filter((x) => x === "web1")).toHaveLength(2);
    expect(served.filter((x) => x === "web2")).toHaveLength(2);
  });

  it("busybox's wget -qO- and nslookup", async () => {
    const client = pod("bb", "10.244.1.30", ["busybox"], { command: ["sleep", "3600"] }) as Pod;
    const objects = objectsOf({
      pods: [client, pod("web1", "10.244.1.5", ["nginx"])],
      services: [service("websvc", "10.96.100.10", [{ port: 80 }])],
      endpoints: [endpoints("websvc", [{ ip: "10.244.1.5", pod: "web1" }], [{ port: 80 }])],
      nodes,
    });
    const script: Container = {
      name: "bb",
      image: "busybox",
      command: ["sh", "-c", "wget -qO- websvc | head -4; nslookup websvc"],
    };
    const out = (await run(client, script, objects, 2)).writes.map((w) => w.text).join("");
    expect(out).toContain("<title>Welcome to nginx!</title>");
    expect(out).toContain(
      "Address:\t10.96.0.10:53\n\nName:\twebsvc.default.svc.cluster.local\nAddress: 10.96.100.10",
    );
  });
});
