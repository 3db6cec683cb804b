import { AsyncLocalStorage } from "node:async_hooks";
import type { Database } from "../db/connection.ts";
import { readEntries, saveFiles } from "../db/pods/files.ts";
import { pullImage } from "../kube/runtime/images.ts";
import { mainProcess } from "../kube/runtime/shell/container.ts";
import { evaluate } from "../kube/runtime/shell/evaluate.ts";
import { mayWriteFiles } from "../kube/runtime/shell/program.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { openContainer } from "./container.ts";
import { containersOf, mainScope, type Run, runOf, statusesOf } from "./container-refs.ts";
import type { FileReaderFactory } from "./file-reader.ts";

/**
 * What a container's main process wrote, as a node keeps it in the container's writable layer
 * (and in the pod's volumes): evaluated from the run's start on the image alone and kept once
 * per run, under the run's main scope with a marker ("/"), the first time something needs the
 * pod's files — an exec, or a server reading them (for the API's proxy, port-forward, a probe,
 * or curl in some process) — never for the container's own log. It is what the process wrote
 * up to then: later writes of a program still running are not kept (a loop that repeats, once
 * seen to, keeps what its first turns wrote). A restart is a new run with a new scope, so the
 * layer's files go with the old run; what went to volumes stays.
 */

/** Set while a main process is evaluated for its files: a server it reaches keeps none itself. */
const keeping = new AsyncLocalStorage<true>();

/** Whether this runs inside such an evaluation (which must not wait for another, or itself). */
export function keepingMainFiles(): boolean {
  return keeping.getStore() === true;
}

/** The runs of the pod (current and previous) whose main process may write files. */
export function writingRuns(pod: Pod): { container: Container; run: Run }[] {
  const out: { container: Container; run: Run }[] = [];
  for (const container of containersOf(pod)) {
    const pull = pullImage(container.image ?? "");
    if (!pull.ok || !mayWriteFiles(container, pull.info)) continue;
    const status = statusesOf(pod).find((s) => s.name === container.name);
    for (const run of [runOf(status, false), runOf(status, true)])
      if (run && !out.some((o) => o.run.containerId === run.containerId)) out.push({ container, run });
  }
  return out;
}

const marker = { path: "/", kind: "dir" as const, mode: 0o755, content: new Uint8Array() };

/** Evaluations under way in this process, by run: a second request waits for the first. */
const underWay = new Map<string, Promise<void>>();

async function keepRun(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  run: Run,
  nowMs: number,
  fileReader: FileReaderFactory,
) {
  const scope = mainScope(container.name, run.containerId);
  const horizon = Math.max(run.startedMs, Math.min(nowMs, run.finishedMs ?? nowMs));
  const opened = await openContainer(database, sandboxId, pod, container, horizon, {
    layer: scope,
    fileReader,
  });
  await keeping.run(true, () => evaluate(mainProcess(opened.setup, run.startedMs, horizon)));
  await opened.save();
  await saveFiles(database.sql, sandboxId, pod.metadata.uid ?? "", scope, [marker], []);
}

/**
 * Keeps what the main processes of the pod's runs wrote, for runs not kept yet. `kept`: the
 * main scopes known to be kept (an empty set when the caller knows the pod has no files);
 * asked of storage when absent. Whether anything was kept now.
 */
export async function keepMainFiles(
  database: Database,
  sandboxId: string,
  pod: Pod,
  nowMs: number,
  kept: Set<string> | undefined,
  fileReader: FileReaderFactory,
): Promise<boolean> {
  const runs = writingRuns(pod);
  if (!runs.length) return false;
  const uid = pod.metadata.uid ?? "";
  const present =
    kept ??
    new Set(
      (
        await readEntries(
          database.sql,
          sandboxId,
          runs.map((r) => ({
            owner: uid,
            scope: mainScope(r.container.name, r.run.containerId),
            paths: ["/"],
          })),
        )
      ).map((e) => e.scope),
    );
  const missing = runs.filter((r) => !present.has(mainScope(r.container.name, r.run.containerId)));
  // One after the other: they may write the same volumes.
  for (const { container, run } of missing) {
    const key = `${sandboxId}/${uid}/${run.containerId}`;
    let work = underWay.get(key);
    if (!work) {
      work = keepRun(database, sandboxId, pod, container, run, nowMs, fileReader).finally(() =>
        underWay.delete(key),
      );
      underWay.set(key, work);
    }
    await work;
  }
  return missing.length > 0;
}
