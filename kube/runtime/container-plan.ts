import type { Container, Pod } from "../types/core-v1.ts";
import type { ImageInfo } from "./images.ts";
import { type ContainerSetup, mainProcess } from "./shell/container.ts";
import { evaluate } from "./shell/evaluate.ts";
import { containerArgv } from "./shell/program.ts";

/**
 * What one container does once started, from its pod, its spec and its image: keeps running,
 * or exits with a code (and the kubelet's reason) after some milliseconds. Its shell decides
 * (shell/evaluate.ts), on the virtual clock, looking ahead up to `lookaheadMs`; a program
 * whose end lies further, or past the evaluation's budget (a long loop that does not repeat
 * itself), counts as running.
 */
export type Plan =
  | { kind: "forever" }
  | { kind: "exit"; code: number; afterMs: number; reason: "Completed" | "Error" | "OOMKilled" };

/** How far ahead a plan looks: a day. */
export const lookaheadMs = 86_400_000;

/** Plans by pod and container, as the same spec always plans the same (in this process only). */
const cache = new Map<string, Plan>();
const cacheSize = 2000;

/** What the container does once started (the same input plans the same, so plans are cached). */
export async function containerPlan(
  pod: Pod,
  container: Container,
  info: ImageInfo,
  setup: Partial<ContainerSetup> = {},
): Promise<Plan> {
  // Service variables change with the services, not the program: left out of the key, so
  // that plans of a pod's containers stay cached while services come and go.
  const env = Object.fromEntries(
    Object.entries(setup.env ?? {}).filter(([k]) => !/_(SERVICE_|PORT)/.test(k)),
  );
  // A program that cannot read who it runs as (no expansion, no hostname, no file read) plans
  // the same in every pod: replicas of nginx share one plan instead of one evaluation each.
  const argv = containerArgv(container, info).join(" ");
  const personal = /[$`]|host|uname|cat |\/etc\/|\/proc\//.test(argv);
  const key = JSON.stringify([
    info.repo,
    personal ? [pod.metadata.namespace, pod.metadata.name, pod.spec?.hostname] : null,
    { ...container, name: "" },
    env,
  ]);
  const cached = cache.get(key);
  if (cached) return cached;
  const r = await evaluate(mainProcess({ sandbox: "", pod, container, info, ...setup }, 0, lookaheadMs));
  const plan: Plan = r.end
    ? { kind: "exit", code: r.end.exitCode, afterMs: r.end.atMs, reason: r.end.reason }
    : { kind: "forever" };
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(key, plan);
  return plan;
}
