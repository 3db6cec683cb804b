import { describe, expect, it } from "vitest";
import { age, humanDuration } from "../../kube/go/human-duration.ts";

describe("AGE as kubectl prints it", () => {
  it.each([
    [0, "0s"],
    [-1500, "0s"],
    [-5000, "<invalid>"],
    [45_000, "45s"],
    [119_000, "119s"],
    [125_000, "2m5s"],
    [600_000, "10m"],
    [3 * 3600_000, "3h"],
    [3 * 3600_000 + 5 * 60_000, "3h5m"],
    [10 * 3600_000, "10h"],
    [3 * 86400_000 + 2 * 3600_000, "3d2h"],
    [30 * 86400_000, "30d"],
    [3 * 365 * 86400_000, "3y"],
  ])("%d ms is %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it("is <unknown> without a timestamp", () => {
    expect(age(undefined, Date.now())).toBe("<unknown>");
  });
});
