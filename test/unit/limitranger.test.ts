import { describe, expect, it } from "vitest";
import { viewAs } from "../../kube/kinds/kind.ts";
import { limitRangeKind } from "../../kube/kinds/limitrange/index.ts";
import {
  aggregate,
  applyLimitRangeDefaults,
  limitRangeViolations,
  rangeItems,
} from "../../kube/kinds/limitrange/limit-ranger.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { KubeObject } from "../../kube/object.ts";

function items(limits: unknown[]) {
  const obj: KubeObject = { apiVersion: "v1", kind: "LimitRange", metadata: { name: "l" }, spec: { limits } };
  limitRangeKind.defaults?.(obj);
  return rangeItems(viewAs(limitRangeKind, obj));
}

function pod(containers: unknown[], initContainers: unknown[] = []) {
  return viewAs(podKind, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p" },
    spec: { containers, initContainers },
  });
}

const tutorial = items([
  { type: "Container", default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" } },
]);

describe("LimitRanger defaults", () => {
  it("fills what each container lacks and annotates the pod", () => {
    const p = pod(
      [{ name: "web" }, { name: "side", resources: { limits: { memory: "1Gi" } } }],
      [{ name: "init", resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } }],
    );
    applyLimitRangeDefaults(tutorial, p);
    expect(p.spec?.containers?.[0]?.resources).toEqual({
      limits: { memory: "512Mi" },
      requests: { memory: "256Mi" },
    });
    expect(p.spec?.containers?.[1]?.resources).toEqual({
      limits: { memory: "1Gi" },
      requests: { memory: "256Mi" },
    });
    expect(p.spec?.initContainers?.[0]?.resources).toEqual({
      limits: { memory: "64Mi" },
      requests: { memory: "64Mi" },
    });
    expect(p.metadata.annotations).toEqual({
      "kubernetes.io/limit-ranger":
        "LimitRanger plugin set: memory request for container web; memory limit for container web; memory request for container side",
    });
  });

  it("leaves a pod that states everything untouched", () => {
    const p = pod([{ name: "c", resources: { requests: { memory: "1" }, limits: { memory: "1" } } }]);
    applyLimitRangeDefaults(tutorial, p);
    expect(p.metadata.annotations).toBeUndefined();
  });
});

describe("LimitRanger bounds", () => {
  const bounds = items([
    {
      type: "Container",
      min: { memory: "6Mi" },
      max: { cpu: "800m" },
      maxLimitRequestRatio: { memory: "2" },
    },
    { type: "Pod", max: { memory: "1Gi" } },
  ]);

  it.each([
    [
      "below the minimum and above the maximum",
      pod([{ name: "c", resources: { requests: { memory: "5Mi" }, limits: { cpu: "1", memory: "10Mi" } } }]),
      [
        "minimum memory usage per Container is 6Mi, but request is 5Mi",
        "maximum cpu usage per Container is 800m, but limit is 1",
      ],
    ],
    [
      "no limit where a maximum applies, no request where a minimum does",
      pod([{ name: "c" }]),
      [
        "minimum memory usage per Container is 6Mi.  No request is specified",
        "maximum cpu usage per Container is 800m.  No limit is specified",
        "memory max limit to request ratio per Container is 2, but no request is specified or request is 0",
        "maximum memory usage per Pod is 1Gi.  No limit is specified",
      ],
    ],
    [
      "a ratio too high, and a pod too big in sum",
      pod([
        { name: "a", resources: { requests: { memory: "100Mi" }, limits: { cpu: "1m", memory: "600Mi" } } },
        { name: "b", resources: { requests: { memory: "600Mi" }, limits: { cpu: "1m", memory: "600Mi" } } },
      ]),
      [
        "memory max limit to request ratio per Container is 2, but provided ratio is 6.000000",
        "maximum memory usage per Pod is 1Gi, but limit is 1200Mi",
      ],
    ],
  ])("%s", (_name, p, problems) => {
    expect(limitRangeViolations(bounds, p)).toEqual(problems);
  });

  it("aggregates as utilerrors does: one bare, several bracketed and deduplicated", () => {
    expect(aggregate(["a"])).toBe("a");
    expect(aggregate(["a", "b", "a"])).toBe("[a, b]");
  });
});
