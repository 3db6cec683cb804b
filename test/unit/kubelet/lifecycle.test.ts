import { describe, expect, it } from "vitest";
import { bootstrapObjects } from "../../../kube/bootstrap/cluster.ts";
import { viewAs } from "../../../kube/kinds/kind.ts";
import { nodeKind } from "../../../kube/kinds/node/index.ts";
import { podKind } from "../../../kube/kinds/pod/index.ts";
import { summarizePod } from "../../../kube/kinds/pod/printer.ts";
import type { Plan } from "../../../kube/runtime/container-plan.ts";
import type { ReadObjects } from "../../../kube/runtime/shell/world.ts";
import type { Container, Node, Pod, PodSpec } from "../../../kube/types/core-v1.ts";
import type { KubeletContext } from "../../../workers/kubelet/context.ts";
import { firstSync, type SyncResult, sync } from "../../../workers/kubelet/lifecycle.ts";
import { planContainers } from "../../../workers/kubelet/plans.ts";
import type { ContainerProbes } from "../../../workers/kubelet/probe-results.ts";
import { terminate } from "../../../workers/kubelet/termination.ts";

const t0 = Date.parse("2025-03-01T10:00:00Z");
function bootstrapNode(): Node {
  const found = bootstrapObjects("2025-01-01T00:00:00Z").find((o) => o.object.kind === "Node");
  if (!found) throw new Error("no Node among the bootstrap objects");
  return viewAs(nodeKind, found.object);
}
const node = bootstrapNode();

function newPod(spec: PodSpec): Pod {
  return viewAs(podKind, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", uid: "11111111-2222-3333-4444-555555555555" },
    spec: { restartPolicy: "Always", nodeName: "node-1", ...spec },
    status: {
      phase: "Pending",
      qosClass: "BestEffort",
      conditions: [
        {
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: "2025-03-01T10:00:00Z",
        },
      ],
    },
  });
}

/** A kubelet driven by hand: its node memory persists between syncs, as a real kubelet's would. */
/** Probe outcomes a test decides: every probe of every running container gives `result(kind)`. */
type ProbeAnswer = (
  kind: "readiness" | "liveness" | "startup",
  now: number,
) => { ok: boolean; message: string };

function probesOf(pod: Pod, now: number, answer: ProbeAnswer): Map<string, ContainerProbes> {
  const map = new Map<string, ContainerProbes>();
  for (const s of pod.status?.containerStatuses ?? []) {
    const c = pod.spec?.containers?.find((x) => x.name === s.name);
    if (!s.state?.running || !c) continue;
    map.set(s.name, {
      containerID: s.containerID ?? "",
      ...(c.readinessProbe ? { readiness: answer("readiness", now) } : {}),
      ...(c.livenessProbe ? { liveness: answer("liveness", now) } : {}),
      ...(c.startupProbe ? { startup: answer("startup", now) } : {}),
    });
  }
  return map;
}

function kubelet(spec: PodSpec, present: string[] = [], answer?: ProbeAnswer, plans?: Map<string, Plan>) {
  let pod = newPod(spec);
  let ids = 0;
  const memory = {
    present: new Set(present),
    pullFailures: new Map<string, { count: number; lastMs: number }>(),
  };
  const ctx = (now: number): KubeletContext => ({
    pod,
    node,
    now,
    ...memory,
    newContainerID: () => `containerd://${String(++ids).padStart(64, "0")}`,
    ...(answer ? { probes: probesOf(pod, now, answer) } : {}),
    ...(plans ? { plans } : {}),
  });
  const apply = (r: SyncResult) => {
    pod = viewAs(podKind, { ...pod, status: r.status });
    return r;
  };
  apply(firstSync(ctx(t0), "10.244.1.2"));
  return {
    pod: () => pod,
    at: (ms: number) => apply(sync(ctx(t0 + ms))),
    /** A sync at `ms` after the runtime reported the container's process ended with `code`. */
    exited: (ms: number, container: string, code: number) =>
      apply(sync({ ...ctx(t0 + ms), exited: new Map([[container, code]]) })),
    terminate: (ms: number) => terminate(ctx(t0 + ms)),
    setPod: (p: Pod) => {
      pod = p;
    },
  };
}

/** No objects in the sandbox: what the containers' programs read of it. */
const noObjects: ReadObjects = { get: async () => null, list: async () => [] };

/**
 * A kubelet whose containers do what their programs do, planned in their shells before the
 * syncs as the kubelet's task plans them (without plans, a started container keeps running).
 */
async function plannedKubelet(spec: PodSpec) {
  return kubelet(spec, [], undefined, await planContainers(newPod(spec), noObjects, t0));
}

const containers = (pod: Pod) => pod.status?.containerStatuses ?? [];
const conditions = (pod: Pod) => pod.status?.conditions ?? [];
const statusColumn = (pod: Pod) => summarizePod(pod).reason;

describe("the first sync", () => {
  it("takes the pod on: Pending, ContainerCreating, its IPs and start time", () => {
    const k = kubelet({ containers: [{ name: "nginx", image: "nginx" }] });
    expect(k.pod().status).toMatchObject({
      phase: "Pending",
      hostIP: "192.168.49.2",
      hostIPs: [{ ip: "192.168.49.2" }],
      podIP: "10.244.1.2",
      podIPs: [{ ip: "10.244.1.2" }],
      startTime: "2025-03-01T10:00:00Z",
      qosClass: "BestEffort",
      containerStatuses: [
        {
          name: "nginx",
          state: { waiting: { reason: "ContainerCreating" } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: "nginx",
          imageID: "",
          started: false,
        },
      ],
    });
    expect(conditions(k.pod()).map((c) => [c.type, c.status, c.reason ?? ""])).toEqual([
      ["PodReadyToStartContainers", "False", ""],
      ["Initialized", "True", ""],
      ["Ready", "False", "ContainersNotReady"],
      ["ContainersReady", "False", "ContainersNotReady"],
      ["PodScheduled", "True", ""],
    ]);
    expect(conditions(k.pod())[2]?.message).toBe("containers with unready status: [nginx]");
    expect(statusColumn(k.pod())).toBe("ContainerCreating");
  });
});

describe("starting containers", () => {
  it("is not due before the ContainerCreating delay", () => {
    const k = kubelet({ containers: [{ name: "nginx", image: "nginx" }] });
    const r = k.at(10);
    expect(statusColumn(k.pod())).toBe("ContainerCreating");
    expect(r.next).toBe(t0 + 30);
  });

  it("pulls, creates and starts them, then they run and are ready", () => {
    const k = kubelet({ containers: [{ name: "nginx", image: "nginx" }] });
    const r = k.at(30);
    expect(r.next).toBeNull();
    expect(r.events.map((e) => [e.reason, e.message, e.fieldPath])).toEqual([
      ["Pulling", 'Pulling image "nginx"', "spec.containers{nginx}"],
      [
        "Pulled",
        'Successfully pulled image "nginx" in 1.403s (1.403s including waiting). Image size: 72200345 bytes.',
        "spec.containers{nginx}",
      ],
      ["Created", "Created container: nginx", "spec.containers{nginx}"],
      ["Started", "Started container nginx", "spec.containers{nginx}"],
    ]);
    const [c] = containers(k.pod());
    expect(c).toMatchObject({
      name: "nginx",
      state: { running: { startedAt: "2025-03-01T10:00:00Z" } },
      ready: true,
      restartCount: 0,
      image: "docker.io/library/nginx:latest",
      started: true,
    });
    expect(c?.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(c?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(k.pod().status?.phase).toBe("Running");
    expect(conditions(k.pod()).every((c) => c.status === "True")).toBe(true);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 1, total: 1, reason: "Running" });
  });

  it("runs the tutorial's two containers side by side", () => {
    const k = kubelet({
      containers: [
        { name: "my-nginx", image: "nginx" },
        {
          name: "my-centos",
          image: "centos",
          command: ["/bin/sh", "-c", "while : ; do curl http://localhost:80/; sleep 3; done"],
        },
      ],
    });
    k.at(30);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 2, total: 2, reason: "Running" });
  });

  const pulls: [string, Partial<Container>, string[], string][] = [
    [
      "IfNotPresent, image on the node",
      { image: "nginx:1.25", imagePullPolicy: "IfNotPresent" },
      ["docker.io/library/nginx:1.25"],
      'Container image "nginx:1.25" already present on machine',
    ],
    [
      "IfNotPresent, image not on the node",
      { image: "nginx:1.25", imagePullPolicy: "IfNotPresent" },
      [],
      'Pulling image "nginx:1.25"',
    ],
    [
      "Always pulls even so",
      { image: "nginx", imagePullPolicy: "Always" },
      ["docker.io/library/nginx:latest"],
      'Pulling image "nginx"',
    ],
    [
      "Never, image not on the node",
      { image: "nginx:1.25", imagePullPolicy: "Never" },
      [],
      'Container image "nginx:1.25" is not present with pull policy of Never',
    ],
  ];
  it.each(pulls)("pull policy %s", (_name, container, present, message) => {
    const k = kubelet({ containers: [{ name: "web", ...container }] }, present);
    expect(k.at(30).events[0]?.message).toBe(message);
  });

  it("waits for a readiness probe's initial delay before the container is ready", () => {
    const k = kubelet(
      {
        containers: [
          {
            name: "web",
            image: "nginx",
            readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 5 },
          },
        ],
      },
      [],
      () => ({ ok: true, message: "" }),
    );
    expect(k.at(30).next).toBe(t0 + 5000);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 0, reason: "Running" });
    k.at(5000);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 1, reason: "Running" });
  });
});

describe("probes", () => {
  const refused = 'Get "http://10.244.1.2:8080/": dial tcp 10.244.1.2:8080: connect: connection refused';

  it("a failing readiness probe keeps the container unready, with Unhealthy events, until it passes", () => {
    let passing = false;
    const k = kubelet(
      {
        containers: [
          {
            name: "web",
            image: "nginx",
            readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 5 },
          },
        ],
      },
      [],
      () => (passing ? { ok: true, message: "" } : { ok: false, message: refused }),
    );
    k.at(30);
    const r = k.at(2000);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 0, reason: "Running" });
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: "Warning",
        reason: "Unhealthy",
        message: `Readiness probe failed: ${refused}`,
      }),
    );
    expect(r.next).toBe(t0 + 7000);
    passing = true;
    k.at(7000);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 1 });
    expect(conditions(k.pod()).find((c) => c.type === "Ready")?.status).toBe("True");
    passing = false;
    k.at(12_000);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 0 });
  });

  it("a failing liveness probe restarts the container once its failure threshold is reached", () => {
    const k = kubelet(
      {
        containers: [
          {
            name: "web",
            image: "nginx",
            livenessProbe: {
              httpGet: { path: "/healthz", port: 80 },
              periodSeconds: 10,
              failureThreshold: 3,
            },
          },
        ],
      },
      [],
      () => ({ ok: false, message: "HTTP probe failed with statuscode: 404" }),
    );
    k.at(30);
    const first = k.at(1000);
    expect(first.events).toContainEqual(
      expect.objectContaining({
        reason: "Unhealthy",
        message: "Liveness probe failed: HTTP probe failed with statuscode: 404",
      }),
    );
    expect(containers(k.pod())[0]?.restartCount).toBe(0);
    const killed = k.at(20_500);
    expect(killed.events).toContainEqual(
      expect.objectContaining({
        type: "Normal",
        reason: "Killing",
        message: "Container web failed liveness probe, will be restarted",
      }),
    );
    expect(containers(k.pod())[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    k.at(25_000);
    const s = containers(k.pod())[0];
    expect(s?.restartCount).toBe(1);
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
  });
});

describe("containers that exit", () => {
  type Row = [ms: number, column: string, restarts: number, message?: string];
  const backOff = (d: string) =>
    `back-off ${d} restarting failed container=crash pod=p_default(11111111-2222-3333-4444-555555555555)`;
  const crashLoop: Row[] = [
    [500, "Error", 0],
    [1500, "Error", 1],
    [2500, "CrashLoopBackOff", 1, backOff("10s")],
    [11500, "Error", 2],
    [12500, "CrashLoopBackOff", 2, backOff("20s")],
    [40_000, "CrashLoopBackOff", 3, backOff("40s")],
    [400_000, "CrashLoopBackOff", 6, backOff("5m0s")],
  ];
  const spec = { containers: [{ name: "crash", image: "busybox", command: ["sh", "-c", "exit 1"] }] };

  it.each(crashLoop)("a crash loop at %d ms: %s, %d restarts", async (ms, column, restarts, message) => {
    // Straight from the first sync to `ms`: a late job lands where a punctual one would.
    const k = await plannedKubelet(spec);
    k.at(ms);
    expect(statusColumn(k.pod())).toBe(column);
    expect(summarizePod(k.pod()).restarts).toBe(restarts);
    const [c] = containers(k.pod());
    if (message) expect(c?.state).toEqual({ waiting: { reason: "CrashLoopBackOff", message } });
    if (!message) expect(c?.state).not.toHaveProperty("waiting");
  });

  it("steps through the crash loop as its delayed jobs would", async () => {
    const k = await plannedKubelet(spec);
    const seen: string[] = [];
    let next: number | null = t0 + 30;
    while (next !== null && next - t0 <= 72_000) {
      k.at(next - t0);
      seen.push(`${statusColumn(k.pod())}/${summarizePod(k.pod()).restarts}`);
      next = k.at(next - t0).next;
    }
    expect(seen).toEqual([
      "Error/0",
      "Error/1",
      "CrashLoopBackOff/1",
      "Error/2",
      "CrashLoopBackOff/2",
      "Error/3",
      "CrashLoopBackOff/3",
      "Error/4",
      "CrashLoopBackOff/4",
    ]);
    const [c] = containers(k.pod());
    expect(c?.lastState).toMatchObject({ terminated: { exitCode: 1, reason: "Error" } });
  });

  it("records the back-off events", async () => {
    const k = await plannedKubelet(spec);
    k.at(1500);
    const r = k.at(2500);
    expect(r.events).toEqual([
      {
        type: "Warning",
        reason: "BackOff",
        message:
          "Back-off restarting failed container crash in pod p_default(11111111-2222-3333-4444-555555555555)",
        fieldPath: "spec.containers{crash}",
      },
    ]);
  });

  const finished: [string, PodSpec, number, string, string, number][] = [
    ["Never, exit 3 after 5 s: Failed", { restartPolicy: "Never" }, 5000, "Failed", "Error", 3],
    ["OnFailure, exit 0: Succeeded", { restartPolicy: "OnFailure" }, 5000, "Succeeded", "Completed", 0],
  ];
  it.each(finished)("%s", async (_name, policy, at, phase, column, exitCode) => {
    const script = exitCode ? "sleep 5; exit 3" : "sleep 5";
    const k = await plannedKubelet({
      ...policy,
      containers: [{ name: "job", image: "busybox", command: ["sh", "-c", script] }],
    });
    k.at(4000);
    expect(k.pod().status?.phase).toBe("Running");
    const r = k.at(at);
    expect(r.next).toBeNull();
    expect(k.pod().status?.phase).toBe(phase);
    expect(statusColumn(k.pod())).toBe(column);
    expect(containers(k.pod())[0]?.state).toEqual({
      terminated: {
        exitCode,
        reason: column,
        startedAt: "2025-03-01T10:00:00Z",
        finishedAt: "2025-03-01T10:00:05Z",
        containerID: containers(k.pod())[0]?.containerID,
      },
    });
    const reason = phase === "Failed" ? "PodFailed" : "PodCompleted";
    expect(conditions(k.pod()).map((c) => [c.type, c.status, c.reason ?? ""])).toEqual([
      ["PodReadyToStartContainers", "False", ""],
      ["Initialized", "True", phase === "Succeeded" ? "PodCompleted" : ""],
      ["Ready", "False", reason],
      ["ContainersReady", "False", reason],
      ["PodScheduled", "True", ""],
    ]);
  });
});

describe("a container whose process ends between syncs (an attached shell whose stdin closed)", () => {
  const shell = (restartPolicy: string) => ({
    restartPolicy,
    containers: [{ name: "sh", image: "busybox", stdin: true, stdinOnce: true, command: ["sh"] }],
  });
  const condition = (pod: Pod, type: string) => conditions(pod).find((c) => c.type === type);

  it.each([
    { code: 0, phase: "Succeeded", reason: "Completed", podReason: "PodCompleted" },
    { code: 3, phase: "Failed", reason: "Error", podReason: "PodFailed" },
  ])("restartPolicy Never, exit $code: the pod is $phase", ({ code, phase, reason, podReason }) => {
    const k = kubelet(shell("Never"));
    k.at(30);
    expect(k.pod().status?.phase).toBe("Running");
    const r = k.exited(5000, "sh", code);
    expect(r.next).toBeNull();
    expect(k.pod().status?.phase).toBe(phase);
    const [c] = containers(k.pod());
    expect(c).toMatchObject({
      ready: false,
      started: false,
      restartCount: 0,
      state: {
        terminated: {
          exitCode: code,
          reason,
          startedAt: "2025-03-01T10:00:00Z",
          finishedAt: "2025-03-01T10:00:05Z",
        },
      },
    });
    for (const type of ["Ready", "ContainersReady"])
      expect(condition(k.pod(), type)).toMatchObject({
        status: "False",
        reason: podReason,
        lastTransitionTime: "2025-03-01T10:00:05Z",
      });
    expect(statusColumn(k.pod())).toBe(reason);
  });

  it("restartPolicy Always: the container is terminated, then restarted as any exit would be", () => {
    const k = kubelet(shell("Always"));
    k.at(30);
    const r = k.exited(5000, "sh", 0);
    expect(k.pod().status?.phase).toBe("Running");
    expect(containers(k.pod())[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(condition(k.pod(), "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady" });
    expect(r.next).toBe(t0 + 6000);
    k.at(6000);
    expect(containers(k.pod())[0]).toMatchObject({ restartCount: 1, state: { running: {} } });
  });

  it("leaves a container that is not running alone", () => {
    const k = kubelet(shell("Never"));
    k.exited(10, "sh", 1);
    expect(statusColumn(k.pod())).toBe("ContainerCreating");
    expect(k.pod().status?.phase).toBe("Pending");
  });
});

describe("images that cannot be pulled", () => {
  const spec = { containers: [{ name: "bad", image: "nginx:doesnotexist" }] };
  const error =
    'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found';

  it("fail with ErrImagePull, then back off with ImagePullBackOff, and retry after 10 s", () => {
    const k = kubelet(spec);
    const first = k.at(30);
    expect(first.events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ["Normal", "Pulling", 'Pulling image "nginx:doesnotexist"'],
      ["Warning", "Failed", `Failed to pull image "nginx:doesnotexist": ${error}`],
      ["Warning", "Failed", "Error: ErrImagePull"],
    ]);
    expect(containers(k.pod())[0]?.state).toEqual({ waiting: { reason: "ErrImagePull", message: error } });
    expect(first.next).toBe(t0 + 30 + 1000);
    const backOff = k.at(1030);
    expect(backOff.events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ["Normal", "BackOff", 'Back-off pulling image "nginx:doesnotexist"'],
      ["Warning", "Failed", "Error: ImagePullBackOff"],
    ]);
    expect(containers(k.pod())[0]?.state).toEqual({
      waiting: {
        reason: "ImagePullBackOff",
        message: `Back-off pulling image "nginx:doesnotexist": ErrImagePull: ${error}`,
      },
    });
    expect(backOff.next).toBe(t0 + 30 + 10_000);
    expect(k.at(10_030).events[0]?.reason).toBe("Pulling");
    expect(statusColumn(k.pod())).toBe("ErrImagePull");
    expect(k.at(11_030).next).toBe(t0 + 10_030 + 20_000);
    expect(k.pod().status?.phase).toBe("Pending");
  });

  it("stay InvalidImageName for a name that does not parse", () => {
    const k = kubelet({ containers: [{ name: "bad", image: "Nginx" }] });
    const r = k.at(30);
    expect(statusColumn(k.pod())).toBe("InvalidImageName");
    expect(r.events.map((e) => e.reason)).toEqual(["InspectFailed", "Failed"]);
    expect(r.next).toBeNull();
  });
});

describe("init containers", () => {
  it("run one after another before the app", async () => {
    const k = await plannedKubelet({
      initContainers: [
        { name: "wait", image: "busybox", command: ["sh", "-c", "sleep 2"] },
        { name: "setup", image: "busybox", command: ["sh", "-c", "sleep 1"] },
      ],
      containers: [{ name: "app", image: "nginx" }],
    });
    expect(statusColumn(k.pod())).toBe("Init:0/2");
    k.at(30);
    expect(statusColumn(k.pod())).toBe("Init:0/2");
    const initialized = conditions(k.pod())[1];
    expect(initialized).toMatchObject({
      type: "Initialized",
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [wait setup]",
    });
    k.at(2100);
    expect(statusColumn(k.pod())).toBe("Init:1/2");
    k.at(3100);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 1, reason: "Running" });
    expect(
      (k.pod().status?.initContainerStatuses ?? []).map((s) => [
        s.name,
        s.state?.terminated && "done",
        s.ready,
      ]),
    ).toEqual([
      ["wait", "done", true],
      ["setup", "done", true],
    ]);
  });

  it("fail the pod when one fails under restartPolicy Never", async () => {
    const k = await plannedKubelet({
      restartPolicy: "Never",
      initContainers: [{ name: "check", image: "busybox", command: ["sh", "-c", "exit 2"] }],
      containers: [{ name: "app", image: "nginx" }],
    });
    k.at(30);
    expect(k.pod().status?.phase).toBe("Failed");
    expect(statusColumn(k.pod())).toBe("Init:Error");
  });
});

describe("deletion", () => {
  const deleted = (pod: Pod, grace: number): Pod => ({
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: new Date(t0 + 60_000 + grace * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
      deletionGracePeriodSeconds: grace,
    },
  });

  it("stops the containers within a second of a 30 s grace period, then removes the pod", () => {
    const k = kubelet({
      containers: [
        { name: "nginx", image: "nginx" },
        { name: "sleeper", image: "busybox", command: ["sleep", "3600"] },
      ],
    });
    k.at(30);
    k.setPod(deleted(k.pod(), 30));
    const early = k.terminate(60_100);
    expect(early).toMatchObject({ remove: false, status: null, next: t0 + 61_000 });
    expect(early.events.map((e) => e.message)).toEqual([
      "Stopping container nginx",
      "Stopping container sleeper",
    ]);
    const done = k.terminate(61_000);
    expect(done.remove).toBe(true);
    const states = (done.status?.containerStatuses ?? []).map((c) => c.state?.terminated);
    expect(states.map((s) => [s?.exitCode, s?.reason, s?.finishedAt])).toEqual([
      [0, "Completed", "2025-03-01T10:01:01Z"],
      [137, "Error", "2025-03-01T10:01:01Z"],
    ]);
    expect(done.status?.phase).toBe("Failed");
  });

  it("removes a pod whose containers never started at once", () => {
    const k = kubelet({ containers: [{ name: "bad", image: "nginx:doesnotexist" }] });
    k.at(30);
    k.setPod(deleted(k.pod(), 30));
    expect(k.terminate(60_100)).toMatchObject({ remove: true, status: null, events: [] });
  });
});

describe("a container whose image is changed", () => {
  const withImage = (pod: Pod, image: string): Pod => {
    const spec = structuredClone(pod.spec ?? {});
    const [first] = spec.containers ?? [];
    if (first) first.image = image;
    return { ...pod, spec };
  };

  it("is restarted with the new image when running", () => {
    const k = kubelet({ containers: [{ name: "web", image: "nginx:1.24" }] });
    k.at(30);
    k.setPod(withImage(k.pod(), "nginx:1.25"));
    const r = k.at(5000);
    expect(r.events.map((e) => e.message)).toEqual([
      "Container web definition changed, will be restarted",
      'Pulling image "nginx:1.25"',
      'Successfully pulled image "nginx:1.25" in 1.403s (1.403s including waiting). Image size: 72200345 bytes.',
      "Created container: web",
      "Started container web",
    ]);
    expect(containers(k.pod())[0]).toMatchObject({
      image: "docker.io/library/nginx:1.25",
      restartCount: 1,
      state: { running: { startedAt: "2025-03-01T10:00:05Z" } },
      lastState: { terminated: { exitCode: 0, reason: "Completed" } },
    });
  });

  it("starts at once when the old image never pulled", () => {
    const k = kubelet({ containers: [{ name: "web", image: "nginx:doesnotexist" }] });
    k.at(2000);
    expect(statusColumn(k.pod())).toBe("ImagePullBackOff");
    k.setPod(withImage(k.pod(), "nginx"));
    k.at(3000);
    expect(summarizePod(k.pod())).toMatchObject({ ready: 1, reason: "Running", restarts: 0 });
  });
});
