import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import type { IntOrString } from "../../kube/types/apimachinery.ts";
import type { Deployment } from "../../kube/types/apps-v1.ts";

/**
 * intstr.GetScaledValueFromIntOrPercent: a count as is, a percentage of `total` rounded up (surge)
 * or down (unavailability). Validation has refused anything else; it reads as 0.
 */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^[0-9]+%$/.test(value)) {
    const scaled = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
  }
  return 0;
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable down; when both come to 0 (a small
 * deployment with percentages), one pod may be unavailable so the rollout can move at all.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  const unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/** What a rollout step needs of a deployment: its size and strategy, fenceposts resolved. */
export interface RolloutParams {
  replicas: number;
  strategy: "RollingUpdate" | "Recreate";
  /** MaxSurge: 0 unless RollingUpdate. */
  maxSurge: number;
  /** MaxUnavailable: 0 unless RollingUpdate with replicas; never above the replicas. */
  maxUnavailable: number;
}

/** The deployment's rollout parameters, as MaxSurge and MaxUnavailable compute them. */
export function rolloutParams(d: Deployment): RolloutParams {
  const replicas = specReplicas(d);
  const strategy = d.spec?.strategy;
  if (strategy?.type === "Recreate")
    return { replicas, strategy: "Recreate", maxSurge: 0, maxUnavailable: 0 };
  const rolling = strategy?.rollingUpdate;
  const { surge, unavailable } = resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, replicas);
  return {
    replicas,
    strategy: "RollingUpdate",
    maxSurge: surge,
    maxUnavailable: replicas === 0 ? 0 : Math.min(unavailable, replicas),
  };
}
