import { AsyncLocalStorage } from "node:async_hooks";
import type { IFileSystem } from "just-bash";
import type { Database } from "../db/connection.ts";
import { readEntries, saveFiles } from "../db/pods/files.ts";
import { pullImage } from "../kube/runtime/images.ts";
import { mainProcess } from "../kube/runtime/shell/container.ts";
import { evaluate } from "../kube/runtime/shell/evaluate.ts";
import { carryOn } from "../kube/runtime/shell/file-ops.ts";
import { containerFs } from "../kube/runtime/shell/filesystem.ts";
import { mayWriteFiles } from "../kube/runtime/shell/program.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { openContainer } from "./container.ts";
import {
  containersOf,
  keptMarker,
  keptUntil,
  mainScope,
  type Run,
  runOf,
  statusesOf,
} from "./container-refs.ts";
import { fileBudgetOf } from "./file-budget.ts";
import type { FileReaderFactory } from "./file-reader.ts";

/**
 * What a container's main process wrote, as a node keeps it in the container's writable layer
 * (and in the pod's volumes): evaluated from the run's start on the image alone and kept under
 * the run's main scope, with a marker ("/") saying up to when, whenever something needs the
 * pod's files — an exec, or a server reading them (for the API's proxy, port-forward, a probe,
 * or curl in some process) — never for the container's own log. A program still running is
 * evaluated again from its start when its files are next needed, with its changes up to the
 * marker dropped (they are kept): what it wrote since is added. A loop seen to repeat is carried
 * on without running it (kube/runtime/shell/file-ops.ts); one whose turns change no file, or a
 * process that ended or sleeps for ever, is kept for good. A restart is a new run with a new
 * scope, so the layer's files go with the old run; what went to volumes stays.
 *
 * Replaying from the start with the kept files in place is exact for what the process writes;
 * what it reads of its own earlier writes before the marker is their state at the marker.
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

/**
 * How far behind a server's read may find what a running program wrote: a probe or a page read
 * every few seconds would otherwise run the program again from its start each time (an exec
 * always reads it up to now).
 */
export const servedLagMs = 10_000;

/** Evaluations under way in this process, by run: a second request waits for the first. */
const underWay = new Map<string, Promise<void>>();

async function keepRun(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  run: Run,
  horizon: number,
  keptUntilMs: number,
  fileReader: FileReaderFactory,
) {
  const scope = mainScope(container.name, run.containerId);
  // Its writes past the budget fail (ENOSPC) as the process makes them, and what it kept stops there.
  const opened = await openContainer(database, sandboxId, pod, container, horizon, {
    layer: scope,
    fileReader,
    budget: fileBudgetOf(database.limits, pod),
  });
  const e = await keeping.run(true, () =>
    evaluate({ ...mainProcess(opened.setup, run.startedMs, horizon), keptUntilMs }),
  );
  const turn = e.period?.fileOps?.length ? { ...e.period, ops: e.period.fileOps } : null;
  if (turn)
    await keeping.run(true, () =>
      carryOn(
        containerFs(opened.setup.root as IFileSystem, opened.setup.mounts ?? []),
        turn,
        keptUntilMs,
        horizon,
      ),
    );
  await opened.save();
  // For good too when its budget of sleeps stops it where the kept files already reach: it would
  // stop there every time (a loop that reads the clock, long past thousands of turns), as its log
  // does. Not when wall time stopped it: a busy machine's evaluation gets less far.
  const forGood =
    e.end !== null ||
    e.idle === true ||
    (e.period !== null && !turn) ||
    (e.budgetOf === "sleeps" && e.reachedMs <= keptUntilMs);
  // The marker takes no room (db/pods/files.ts): it needs no budget.
  await saveFiles(
    database.sql,
    sandboxId,
    pod.metadata.uid ?? "",
    scope,
    [keptMarker(forGood ? Number.POSITIVE_INFINITY : e.reachedMs)],
    [],
  );
}

/** Up to when a run's main process must be kept at `nowMs`: its end, if it ended before. */
function horizonOf(run: Run, nowMs: number): number {
  return Math.max(run.startedMs, Math.min(nowMs, run.finishedMs ?? nowMs));
}

/**
 * Keeps what the main processes of the pod's runs wrote up to `nowMs`, for runs not kept that
 * far. `kept`: up to when each main scope is known to be kept (an empty map when the caller
 * knows the pod has no files); asked of storage when absent. Whether anything was kept now.
 */
export async function keepMainFiles(
  database: Database,
  sandboxId: string,
  pod: Pod,
  nowMs: number,
  kept: Map<string, number> | undefined,
  fileReader: FileReaderFactory,
  /** How far behind `nowMs` what is kept may be and still do (a server's read: see servedLagMs). */
  lagMs = 0,
): Promise<boolean> {
  const runs = writingRuns(pod);
  if (!runs.length) return false;
  const uid = pod.metadata.uid ?? "";
  const present =
    kept ??
    new Map(
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
      ).map((e) => [e.scope, keptUntil(e) ?? Number.NEGATIVE_INFINITY]),
    );
  const behind = runs
    .map((r) => ({
      ...r,
      horizon: horizonOf(r.run, nowMs),
      until: present.get(mainScope(r.container.name, r.run.containerId)) ?? Number.NEGATIVE_INFINITY,
    }))
    .filter((r) => r.until < r.horizon - lagMs);
  // One after the other: they may write the same volumes.
  for (const { container, run, horizon, until } of behind) {
    const key = `${sandboxId}/${uid}/${run.containerId}`;
    let work = underWay.get(key);
    if (!work) {
      work = keepRun(database, sandboxId, pod, container, run, horizon, until, fileReader).finally(() =>
        underWay.delete(key),
      );
      underWay.set(key, work);
    }
    await work;
  }
  return behind.length > 0;
}
