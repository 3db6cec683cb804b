import { describe, expect, it } from "vitest";
import { StatusError } from "../../../kube/errors.ts";
import { podKind } from "../../../kube/kinds/pod/index.ts";
import { defaultPullPolicy } from "../../../kube/kinds/pod/spec/image.ts";
import { podQOSClass } from "../../../kube/kinds/pod/spec/resources.ts";
import { created, nginx, prepareUpdate } from "./workload-support.ts";

describe("pod defaults", () => {
  it("fills in what the API server does for a bare pod", () => {
    const pod = created(podKind, { spec: { containers: [{ ...nginx, ports: [{ containerPort: 80 }] }] } });
    expect(pod.spec).toEqual({
      containers: [
        {
          name: "nginx",
          image: "nginx",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          resources: {},
          imagePullPolicy: "Always",
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
        },
      ],
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
      enableServiceLinks: true,
      serviceAccountName: "default",
      serviceAccount: "default",
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
      tolerations: [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
        {
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
      ],
    });
    expect(pod.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("gives a gRPC probe the empty service name, as the declared default (kubectl describe needs it)", () => {
    const pod = created(podKind, {
      spec: { containers: [{ ...nginx, livenessProbe: { grpc: { port: 2379 } } }] },
    });
    expect(pod.spec?.containers?.[0]?.livenessProbe).toEqual({
      grpc: { port: 2379, service: "" },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it("keeps a toleration that already covers the node taints", () => {
    const pod = created(podKind, { spec: { containers: [nginx], tolerations: [{ operator: "Exists" }] } });
    expect(pod.spec).toMatchObject({ tolerations: [{ operator: "Exists" }] });
  });

  it("defaults volume sources and modes", () => {
    const pod = created(podKind, {
      spec: {
        containers: [nginx],
        volumes: [
          { name: "a" },
          { name: "b", secret: { secretName: "s" } },
          { name: "c", configMap: { name: "c" } },
          { name: "d", hostPath: { path: "/data" } },
        ],
      },
    });
    expect((pod.spec as any).volumes).toEqual([
      { name: "a", emptyDir: {} },
      { name: "b", secret: { secretName: "s", defaultMode: 420 } },
      { name: "c", configMap: { name: "c", defaultMode: 420 } },
      { name: "d", hostPath: { path: "/data", type: "" } },
    ]);
  });

  it("drops JSON nulls as Go decoding does", () => {
    const pod = created(podKind, { spec: { volumes: null, containers: [nginx] } });
    expect(pod.spec).not.toHaveProperty("volumes");
  });

  it("stores quantities canonically and copies limits into missing requests", () => {
    const pod = created(podKind, {
      spec: { containers: [{ ...nginx, resources: { limits: { cpu: 0.5, memory: "1024Mi" } } }] },
    });
    expect((pod.spec as any).containers[0].resources).toEqual({
      limits: { cpu: "500m", memory: "1Gi" },
      requests: { cpu: "500m", memory: "1Gi" },
    });
    expect(pod.status).toMatchObject({ qosClass: "Guaranteed" });
  });

  it("fails decoding an unparsable quantity with the API server's 400", () => {
    const attempt = () =>
      created(podKind, { spec: { containers: [{ ...nginx, resources: { requests: { cpu: "lots" } } }] } });
    expect(attempt).toThrow(StatusError);
    expect(attempt).toThrow(
      "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  it("refuses an unknown PriorityClass as the Priority plugin does", () => {
    expect(() => created(podKind, { spec: { containers: [nginx], priorityClassName: "gold" } })).toThrow(
      'pods "x" is forbidden: no PriorityClass with name gold was found',
    );
    const critical = created(podKind, {
      spec: { containers: [nginx], priorityClassName: "system-node-critical" },
    });
    expect(critical.spec).toMatchObject({ priority: 2000001000 });
  });
});

describe("imagePullPolicy default", () => {
  it.each([
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    ["localhost:5000/team/app", "Always"],
    ["localhost:5000/team/app:v2", "IfNotPresent"],
    ["nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"],
    ["Not/Valid", "IfNotPresent"],
  ])("%s → %s", (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe("QoS class", () => {
  const spec = (...resources: Record<string, unknown>[]) => ({
    containers: resources.map((r, i) => ({ name: `c${i}`, image: "x", resources: r })),
  });
  it.each([
    ["no resources", spec({}), "BestEffort"],
    ["zero requests only", spec({ requests: { cpu: "0" } }), "BestEffort"],
    ["requests only", spec({ requests: { cpu: "100m" } }), "Burstable"],
    [
      "limits equal requests for cpu and memory",
      spec({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } }),
      "Guaranteed",
    ],
    ["a limit for cpu only", spec({ requests: { cpu: "1" }, limits: { cpu: "1" } }), "Burstable"],
    [
      "one guaranteed container and one best-effort",
      spec({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } }, {}),
      "Burstable",
    ],
    [
      "requests below limits",
      spec({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } }),
      "Burstable",
    ],
  ])("%s → %s", (_name, podSpec, qos) => {
    expect(podQOSClass(podSpec)).toBe(qos);
  });
});

describe("pod updates", () => {
  const old = created(podKind, { spec: { containers: [{ ...nginx, ports: [{ containerPort: 80 }] }] } });
  const update = (change: (spec: any) => void) => {
    const next = structuredClone(old);
    change(next.spec);
    podKind.defaults?.(next);
    prepareUpdate(podKind, next, old);
    return (podKind.validateUpdate?.(next, old) ?? []).map((e) => `${e.field}: ${e.body}`);
  };

  it("allows a new image, a deadline and an added toleration", () => {
    expect(
      update((s) => {
        s.containers[0].image = "nginx:1.25";
        s.activeDeadlineSeconds = 60;
        s.tolerations.push({ key: "k", operator: "Exists" });
      }),
    ).toEqual([]);
  });

  it("puts back the default tolerations a client left out", () => {
    expect(update((s) => delete s.tolerations)).toEqual([]);
  });

  it("refuses any other change with the API server's message", () => {
    const errors = update((s) => {
      s.containers[0].ports[0].containerPort = 8080;
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
    expect(errors[0]).toContain("containers[0].ports[0].containerPort: 80");
  });

  it("refuses adding a container and removing a toleration", () => {
    expect(update((s) => s.containers.push({ name: "b", image: "b" }))).toEqual([
      "spec.containers: Forbidden: pod updates may not add or remove containers",
    ]);
    const old2 = created(podKind, {
      spec: { containers: [nginx], tolerations: [{ key: "a", operator: "Exists" }] },
    });
    const next = structuredClone(old2);
    (next.spec as any).tolerations = [];
    prepareUpdate(podKind, next, old2);
    expect(podKind.validateUpdate?.(next, old2).map((e) => e.body)).toEqual([
      "Forbidden: existing toleration can not be modified except its tolerationSeconds",
    ]);
  });
});
