import { describe, expect, it } from "vitest";
import type { IntOrString } from "../../../kube/types/apimachinery.ts";
import { type RolloutParams, resolveFenceposts } from "../../../workers/deployment/fenceposts.ts";
import { scaleSteps } from "../../../workers/deployment/proportional.ts";
import { newReplicaSetTarget, oldReplicaSetSteps } from "../../../workers/deployment/rolling-plan.ts";
import type { RsView } from "../../../workers/deployment/view.ts";

/** A ReplicaSet view: size, available pods, age (a smaller `age` is older). */
function rs(
  name: string,
  replicas: number,
  available: number,
  age = 0,
  annotations: Record<string, string> = {},
): RsView {
  return {
    name,
    replicas,
    current: replicas,
    ready: available,
    available,
    created: `2024-01-01T00:00:0${age}Z`,
    revision: 0,
    annotations,
  };
}

function rolling(replicas: number, maxSurge: IntOrString, maxUnavailable: IntOrString): RolloutParams {
  const { surge, unavailable } = resolveFenceposts(maxSurge, maxUnavailable, replicas);
  return {
    replicas,
    strategy: "RollingUpdate",
    maxSurge: surge,
    maxUnavailable: Math.min(unavailable, replicas),
  };
}

describe("ResolveFenceposts", () => {
  it.each([
    ["25%/25% of 3: surge rounds up, unavailable down", "25%", "25%", 3, 1, 0],
    ["25%/25% of 10", "25%", "25%", 10, 3, 2],
    ["counts are counts", 2, 1, 10, 2, 1],
    ["1% of 2 unavailable, no surge: both 0, so 1 unavailable", 0, "1%", 2, 0, 1],
    ["0% surge, 0 unavailable of 1 rounds to nothing: 1 unavailable", "0%", 0, 1, 0, 1],
    ["100% surge", "100%", 0, 3, 3, 0],
  ])("%s", (_name, surge, unavailable, desired, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({
      surge: wantSurge,
      unavailable: wantUnavailable,
    });
  });
});

describe("a rolling update's steps", () => {
  it.each([
    // name, params, new RS, old RSs, want new size, want old steps (when the new one did not grow)
    [
      "unhealthy pods of two old RSs: the budget goes oldest first",
      rolling(4, 1, 1),
      rs("new", 1, 1, 3),
      [rs("older", 2, 1, 1), rs("old", 2, 1, 2)],
      1,
      [
        ["older", 2, 1],
        ["old", 2, 1],
      ],
    ],
    [
      "3 replicas 25%/25%: the new RS starts at 1 (one surge pod)",
      rolling(3, "25%", "25%"),
      rs("new", 0, 0, 2),
      [rs("old", 3, 3)],
      1,
      [],
    ],
    [
      "…and nothing shrinks while that pod is unavailable",
      rolling(3, "25%", "25%"),
      rs("new", 1, 0, 2),
      [rs("old", 3, 3)],
      1,
      [],
    ],
    [
      "…once it is available one old pod goes",
      rolling(3, "25%", "25%"),
      rs("new", 1, 1, 2),
      [rs("old", 3, 3)],
      1,
      [["old", 3, 2]],
    ],
    ["…then the new RS grows to 2", rolling(3, "25%", "25%"), rs("new", 1, 1, 2), [rs("old", 2, 2)], 2, []],
    [
      "no surge, 1 unavailable: shrink first",
      rolling(3, 0, 1),
      rs("new", 0, 0, 2),
      [rs("old", 3, 3)],
      0,
      [["old", 3, 2]],
    ],
    ["no surge, 1 unavailable: then grow", rolling(3, 0, 1), rs("new", 0, 0, 2), [rs("old", 2, 2)], 1, []],
    [
      "unhealthy old pods are removed first (they cost no availability); healthy ones then wait",
      rolling(4, 1, 1),
      rs("new", 1, 1, 3),
      [rs("older", 2, 0, 1), rs("old", 2, 2, 2)],
      1,
      [["older", 2, 0]],
    ],
    [
      "a new RS bigger than the deployment shrinks to it",
      rolling(2, "25%", "25%"),
      rs("new", 3, 3, 2),
      [],
      2,
      [],
    ],
    [
      "10 replicas, surge 3: the new RS starts at 3",
      rolling(10, 3, 2),
      rs("new", 0, 0, 2),
      [rs("old", 10, 10)],
      3,
      [],
    ],
    [
      "10 replicas, 2 unavailable: old RS shrinks by what is available above 8",
      rolling(10, 3, 2),
      rs("new", 3, 3, 2),
      [rs("old", 10, 10)],
      3,
      [["old", 10, 5]],
    ],
  ] as [string, RolloutParams, RsView, RsView[], number, [string, number, number][]][])(
    "%s",
    (_name, p, newRS, old, wantNew, wantOld) => {
      const all = [...old, newRS];
      const target = newReplicaSetTarget(p, all, newRS);
      expect(target).toBe(wantNew);
      // As rolloutRolling does: old ones shrink only in a sync where the new one did not grow.
      const steps =
        target === newRS.replicas
          ? oldReplicaSetSteps(
              p,
              all,
              old.filter((r) => r.replicas > 0),
              newRS,
            )
          : [];
      expect(steps.map((s) => [s.name, s.from, s.to])).toEqual(wantOld);
    },
  );
});

describe("proportional scaling mid-rollout", () => {
  it.each([
    [
      "10 → 20 with surge 3: 10 more spread by size (max-replicas 13)",
      rolling(20, 3, 0),
      rs("new", 6, 6, 2, { "deployment.kubernetes.io/max-replicas": "13" }),
      [rs("old", 7, 7, 1, { "deployment.kubernetes.io/max-replicas": "13" })],
      [
        ["old", 12, "up"],
        ["new", 11, "up"],
      ],
    ],
    [
      "20 → 10: shrunk in proportion, older first at equal size",
      rolling(10, 3, 0),
      rs("new", 10, 10, 2, { "deployment.kubernetes.io/max-replicas": "23" }),
      [rs("old", 10, 10, 1, { "deployment.kubernetes.io/max-replicas": "23" })],
      [
        ["old", 6, "down"],
        ["new", 7, "down"],
      ],
    ],
    [
      "one active RS takes the whole size",
      rolling(5, 1, 0),
      rs("new", 3, 3, 2),
      [rs("old", 0, 0, 1)],
      [["new", 5, "up"]],
    ],
    [
      "a saturated new RS sends the old ones to 0",
      rolling(3, 1, 0),
      rs("new", 3, 3, 2, { "deployment.kubernetes.io/desired-replicas": "3" }),
      [rs("old", 1, 1, 1)],
      [["old", 0, "down"]],
    ],
  ] as [string, RolloutParams, RsView, RsView[], [string, number, string][]][])(
    "%s",
    (_name, p, newRS, old, want) => {
      expect(scaleSteps(p, newRS, old, 0).map((s) => [s.name, s.to, s.operation])).toEqual(want);
    },
  );
});
