import { describe, expect, it } from "vitest";
import { limitRangeKind } from "../../../kube/kinds/limitrange/index.ts";
import { validateLimitRange } from "../../../kube/kinds/limitrange/validation.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

function lr(limits: unknown[]): KubeObject {
  const obj: KubeObject = { apiVersion: "v1", kind: "LimitRange", metadata: { name: "l" }, spec: { limits } };
  limitRangeKind.defaults?.(obj);
  return obj;
}
const lines = (limits: unknown[]) => validateLimitRange(lr(limits)).map((e) => `${e.field}: ${e.body}`);
const quantity = (value: string, scale: number, s: string, format = "DecimalSI") =>
  `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"${s}", Format:"${format}"}`;

describe("LimitRange defaults", () => {
  it.each([
    ["default from max", { max: { cpu: "1" } }, { default: { cpu: "1" }, defaultRequest: { cpu: "1" } }],
    [
      "defaultRequest from default",
      { default: { memory: "512Mi" } },
      { defaultRequest: { memory: "512Mi" } },
    ],
    ["defaultRequest from min", { min: { cpu: "0.1" } }, { defaultRequest: { cpu: "100m" } }],
    [
      "the tutorial's item as written",
      { default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" } },
      { default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" } },
    ],
  ])("Container: %s", (_name, item, expected) => {
    expect(lr([{ type: "Container", ...item }]).spec).toMatchObject({ limits: [expected] });
  });

  it("leaves Pod items alone", () => {
    expect((lr([{ type: "Pod", max: { cpu: "1" } }]).spec as { limits: unknown[] }).limits[0]).toEqual({
      type: "Pod",
      max: { cpu: "1" },
    });
  });
});

describe("ValidateLimitRange", () => {
  it("accepts min ≤ defaultRequest ≤ default ≤ max", () => {
    expect(
      lines([
        {
          type: "Container",
          min: { cpu: "100m" },
          defaultRequest: { cpu: "200m" },
          default: { cpu: "300m" },
          max: { cpu: "2" },
          maxLimitRequestRatio: { cpu: "4" },
        },
      ]),
    ).toEqual([]);
  });

  it.each([
    [
      "defaultRequest above default",
      [{ type: "Container", default: { cpu: "100m" }, defaultRequest: { cpu: "200m" } }],
      [
        `spec.limits[0].defaultRequest[cpu]: Invalid value: ${quantity("200", -3, "200m")}: default request value 200m is greater than default limit value 100m`,
      ],
    ],
    [
      "a ratio above max/min",
      [{ type: "Pod", min: { cpu: "1" }, max: { cpu: "2" }, maxLimitRequestRatio: { cpu: "3" } }],
      [
        `spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: ${quantity("3", 0, "3")}: ratio 3 is greater than max/min = 2.000000`,
      ],
    ],
    [
      "a duplicated type",
      [{ type: "Pod" }, { type: "Pod" }],
      ['spec.limits[1].type: Duplicate value: "Pod"'],
    ],
    [
      "defaults for huge pages that differ",
      [
        {
          type: "Container",
          default: { "hugepages-2Mi": "4Mi" },
          defaultRequest: { "hugepages-2Mi": "2Mi" },
        },
      ],
      [
        `spec.limits[0].defaultRequest[hugepages-2Mi]: Invalid value: ${quantity("2097152", 0, "2Mi", "BinarySI")}: default value 4Mi must equal to defaultRequest value 2Mi in hugepages-2Mi`,
      ],
    ],
    [
      "a claim item without storage bounds",
      [{ type: "PersistentVolumeClaim", max: { cpu: "1" } }],
      [
        "spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided",
      ],
    ],
    [
      "an unknown resource for containers",
      [{ type: "Pod", max: { gpu: "1" } }],
      [
        'spec.limits[0].max[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
        'spec.limits[0].max[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      ],
    ],
  ])("refuses %s", (_name, limits, expected) => {
    expect(lines(limits)).toEqual(expected);
  });

  it("prints Name and the creation time as RFC 3339", () => {
    const obj = lr([]);
    obj.metadata.creationTimestamp = "2024-05-06T07:08:09Z";
    expect(printed(limitRangeKind, obj, Date.now())).toEqual(["l", "2024-05-06T07:08:09Z"]);
  });
});
