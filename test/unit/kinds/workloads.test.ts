import { describe, expect, it } from "vitest";
import { deploymentKind } from "../../../kube/kinds/deployment/index.ts";
import type { Kind } from "../../../kube/kinds/kind.ts";
import { replicaSetKind } from "../../../kube/kinds/replicaset/index.ts";
import { replicationControllerKind } from "../../../kube/kinds/replicationcontroller/index.ts";
import { created, nginx, printed, problems } from "./workload-support.ts";

const now = Date.parse("2025-01-01T12:00:00Z");
const template = (labels?: Record<string, string>, spec: Record<string, unknown> = {}) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [nginx], ...spec },
});
const rc = (spec: Record<string, unknown>) => ({ spec });
const apps = (spec: Record<string, unknown>) => ({ spec });

describe("ReplicationController", () => {
  it("defaults selector, labels and replicas from the template, and the template's pod spec", () => {
    const obj = created(replicationControllerKind, rc({ template: template({ app: "nginx" }) }));
    expect(obj.metadata.labels).toEqual({ app: "nginx" });
    expect(obj.spec).toMatchObject({
      replicas: 1,
      selector: { app: "nginx" },
      template: {
        metadata: { creationTimestamp: null, labels: { app: "nginx" } },
        spec: {
          restartPolicy: "Always",
          dnsPolicy: "ClusterFirst",
          containers: [{ imagePullPolicy: "Always" }],
        },
      },
    });
    expect((obj.spec as any).template.spec).not.toHaveProperty("enableServiceLinks");
    expect(obj.status).toEqual({ replicas: 0 });
  });

  it("keeps its own labels and selector", () => {
    const obj = created(replicationControllerKind, {
      metadata: { name: "x", labels: { state: "serving" } },
      spec: { selector: { app: "a" }, template: template({ app: "a", tier: "web" }) },
    });
    expect(obj.metadata.labels).toEqual({ state: "serving" });
    expect(obj.spec).toMatchObject({ selector: { app: "a" } });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ["a valid controller", rc({ selector: { app: "a" }, template: template({ app: "a" }) }), []],
    [
      "a selector that does not match the template",
      rc({ selector: { app: "a" }, template: template({ app: "b" }) }),
      [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
      ],
    ],
    [
      "a template that does not restart always",
      rc({ template: template({ app: "a" }, { restartPolicy: "Never" }) }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      "negative replicas",
      rc({ replicas: -1, template: template({ app: "a" }) }),
      ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    ],
    [
      "no template and no selector",
      rc({}),
      ["spec.selector: Required value", "spec.template: Required value"],
    ],
    [
      "a template container without an image",
      rc({ template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c" }] } } }),
      ["spec.template.spec.containers[0].image: Required value"],
    ],
    [
      "an activeDeadlineSeconds in the template",
      rc({ template: template({ app: "a" }, { activeDeadlineSeconds: 5 }) }),
      [
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported",
      ],
    ],
  ];
  it.each(cases)("validation: %s", (_name, manifest, expected) => {
    expect(problems(replicationControllerKind, manifest)).toEqual(expected);
  });

  it("prints Name, Desired, Current, Ready, Age and the wide columns", () => {
    const obj = created(replicationControllerKind, {
      metadata: { name: "nginx", creationTimestamp: "2025-01-01T11:58:00Z" },
      spec: { replicas: 3, selector: { app: "nginx" }, template: template({ app: "nginx" }) },
    });
    obj.status = { replicas: 3, readyReplicas: 2 };
    expect(printed(replicationControllerKind, obj, now)).toEqual([
      "nginx",
      3,
      3,
      2,
      "2m",
      "nginx",
      "nginx",
      "app=nginx",
    ]);
    expect(replicationControllerKind.printer.columns.map((c) => c.name)).toEqual([
      "Name",
      "Desired",
      "Current",
      "Ready",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
  });

  it("scales through spec.replicas, with the selector as a string", () => {
    const obj = created(
      replicationControllerKind,
      rc({ selector: { b: "2", a: "1" }, template: template({ a: "1", b: "2" }) }),
    );
    const scale = replicationControllerKind.scale!;
    scale.setSpecReplicas(obj, 5);
    expect([scale.specReplicas(obj), scale.statusReplicas(obj), scale.selector(obj)]).toEqual([
      5,
      0,
      "a=1,b=2",
    ]);
  });
});

describe("ReplicaSet and Deployment selectors", () => {
  const matching = { selector: { matchLabels: { app: "a" } }, template: template({ app: "a" }) };
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["a valid object", apps(matching), []],
    [
      "no selector",
      apps({ template: template({ app: "a" }) }),
      [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`',
      ],
    ],
    [
      "an empty selector",
      apps({ selector: {}, template: template({ app: "a" }) }),
      [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
      ],
    ],
    [
      "a selector that does not match",
      apps({ selector: { matchLabels: { app: "b" } }, template: template({ app: "a" }) }),
      [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`',
      ],
    ],
    [
      "a bad selector operator",
      apps({
        selector: { matchExpressions: [{ key: "app", operator: "Is", values: ["a"] }] },
        template: template({ app: "a" }),
      }),
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Is", Values:[]string{"a"}}}}: invalid label selector',
      ],
    ],
    [
      "a template that does not restart always",
      apps({ ...matching, template: template({ app: "a" }, { restartPolicy: "OnFailure" }) }),
      ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ],
  ];
  it.each(cases)("ReplicaSet: %s", (_name, manifest, expected) => {
    expect(problems(replicaSetKind, manifest)).toEqual(expected);
  });
  it.each(cases)("Deployment: %s", (_name, manifest, expected) => {
    expect(problems(deploymentKind, manifest)).toEqual(expected);
  });

  it.each<Kind>([replicaSetKind, deploymentKind])("$kind refuses a changed selector as immutable", (kind) => {
    const old = created(kind, apps(matching));
    const next = structuredClone(old);
    (next.spec as any).selector = { matchLabels: { app: "a", tier: "web" } };
    expect(kind.validateUpdate?.(next, old).map((e) => `${e.field}: ${e.body}`)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(kind.validateUpdate?.(structuredClone(old), old)).toEqual([]);
  });
});

describe("Deployment", () => {
  const base = { selector: { matchLabels: { app: "d" } }, template: template({ app: "d" }) };

  it("defaults replicas, the rolling-update strategy and the history limits", () => {
    const obj = created(deploymentKind, apps(base));
    expect(obj.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(obj.status).toEqual({});
  });

  it.each([
    [
      "Recreate with rollingUpdate",
      { type: "Recreate", rollingUpdate: { maxSurge: 1 } },
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      "an unknown type",
      { type: "BlueGreen" },
      [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
      ],
    ],
    [
      "both zero",
      { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
      [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
      ],
    ],
    [
      "a bad percentage",
      { type: "RollingUpdate", rollingUpdate: { maxSurge: "lots" } },
      [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ],
    ],
    [
      "more than 100%",
      { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "150%" } },
      [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
      ],
    ],
  ])("strategy: %s", (_name, strategy, expected) => {
    expect(problems(deploymentKind, apps({ ...base, strategy }))).toEqual(expected);
  });

  it("refuses a progress deadline not above minReadySeconds", () => {
    expect(
      problems(deploymentKind, apps({ ...base, minReadySeconds: 10, progressDeadlineSeconds: 10 })),
    ).toEqual(["spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"]);
  });

  it("prints Ready as ready/desired, Up-to-date, Available and the wide columns", () => {
    const obj = created(deploymentKind, {
      metadata: { name: "d", creationTimestamp: "2025-01-01T11:59:30Z" },
      spec: { ...base, replicas: 3 },
    });
    expect(printed(deploymentKind, obj, now)).toEqual(["d", "0/3", 0, 0, "30s", "nginx", "nginx", "app=d"]);
    obj.status = { readyReplicas: 3, updatedReplicas: 3, availableReplicas: 2 };
    expect(printed(deploymentKind, obj, now).slice(1, 4)).toEqual(["3/3", 3, 2]);
  });

  it("prints a ReplicaSet's selector with expressions as kubectl does", () => {
    const obj = created(replicaSetKind, {
      metadata: { name: "rs", creationTimestamp: "2025-01-01T11:59:30Z" },
      spec: {
        selector: {
          matchLabels: { app: "d" },
          matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }],
        },
        template: template({ app: "d", tier: "web" }),
      },
    });
    expect(printed(replicaSetKind, obj, now)).toEqual([
      "rs",
      1,
      0,
      0,
      "30s",
      "nginx",
      "nginx",
      "app=d,tier in (api,web)",
    ]);
    expect(replicaSetKind.scale?.selector(obj)).toBe("app=d,tier in (api,web)");
  });
});
