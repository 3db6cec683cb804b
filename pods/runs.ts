import type { Database } from "../db/connection.ts";
import { appendJournal, type JournalLine } from "../db/pods/journal.ts";
import { settledRun, settleRun } from "../db/pods/runs.ts";
import { mainProcess } from "../kube/runtime/shell/container.ts";
import { type Evaluation, evaluate } from "../kube/runtime/shell/evaluate.ts";
import type { LogAppend } from "../kube/runtime/shell/world.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { openContainer } from "./container.ts";
import { layerScope, type Run, runId } from "./container-refs.ts";
import { sandboxObjects } from "./objects.ts";
import { containerFileReader } from "./served-files.ts";

/**
 * A container run's main process, evaluated up to a time: read back when settled (its program ended, or was
 * found to repeat), else evaluated from the run's start — and then kept when it settles. The
 * lines the run wrote to other containers' logs go to the journal, once.
 */

/** Whether what the run does from now on is known: it ended, repeats, or sleeps for ever. */
function settled(e: Evaluation): boolean {
  return e.end !== null || e.period !== null || e.idle === true;
}

/** The run's evaluation up to `horizonMs` (a settled one covers every horizon). */
export async function runEvaluation(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  run: Run,
  horizonMs: number,
): Promise<Evaluation> {
  const podUid = pod.metadata.uid ?? "";
  const settledBefore = await settledRun<Evaluation>(database.sql, sandboxId, podUid, run.containerId);
  if (settledBefore) return settledBefore;
  // Its root as before: the image and exec's layer, without what this same process was kept
  // having written (pods/main-files.ts), which it writes again as it runs.
  const opened = await openContainer(database, sandboxId, pod, container, horizonMs, {
    layer: layerScope(container.name, run.containerId),
    fileReader: containerFileReader,
  });
  const until = run.finishedMs ?? horizonMs;
  const e = await evaluate(
    mainProcess(opened.setup, run.startedMs, Math.max(run.startedMs, Math.min(horizonMs, until))),
  );
  await journalAppends(database, sandboxId, pod, run.containerId, e);
  // Kept without the shell's variables (they may hold a Secret's values, never stored), and
  // without its file changes (kept as files: pods/main-files.ts).
  const { env: _variables, ...rest } = e;
  const kept = { ...rest, period: rest.period ? { ...rest.period, fileOps: undefined } : null };
  if (settled(e)) await settleRun(database.sql, sandboxId, podUid, run.containerId, kept);
  // What the main process writes to files is not saved: it is evaluated again from its start
  // until it settles, and would write it again (exec's writes are saved; pods/exec.ts).
  return e;
}

/** Writes a run's lines for other logs to the journal, each once (sources name the writes). */
async function journalAppends(
  database: Database,
  sandboxId: string,
  pod: Pod,
  source: string,
  e: Evaluation,
) {
  const concrete = e.appends.map((a, i) => ({
    append: a,
    line: {
      source: `${source}:${a.atMs}:${i}`,
      atMs: a.atMs,
      periodMs: null,
      stream: a.stream,
      text: a.text,
    },
  }));
  const periodic = (e.period?.appends ?? []).map((a, i) => ({
    append: { ...a, atMs: (e.period?.fromMs ?? 0) + a.offsetMs },
    line: {
      source: `${source}:p:${i}`,
      atMs: (e.period?.fromMs ?? 0) + a.offsetMs,
      periodMs: e.period?.periodMs ?? null,
      stream: a.stream,
      text: a.text,
    },
  }));
  await writeAppends(database, sandboxId, pod, [...concrete, ...periodic]);
}

/** Writes log lines to the journals of the containers they name (unknown targets are dropped). */
export async function writeAppends(
  database: Database,
  sandboxId: string,
  from: Pod,
  items: { append: Pick<LogAppend, "target">; line: JournalLine }[],
): Promise<void> {
  const objects = sandboxObjects(database, sandboxId);
  const byTarget = new Map<string, { pod: Pod | null; lines: JournalLine[]; container: string }>();
  for (const { append, line } of items) {
    const t = append.target;
    const key = `${t.namespace}/${t.pod}/${t.container}`;
    let entry = byTarget.get(key);
    if (!entry) {
      const same = t.namespace === (from.metadata.namespace ?? "default") && t.pod === from.metadata.name;
      const pod = same
        ? from
        : ((await objects.get({ resource: "pods", namespace: t.namespace, name: t.pod })) as Pod | null);
      entry = { pod, lines: [], container: t.container };
      byTarget.set(key, entry);
    }
    entry.lines.push(line);
  }
  for (const { pod, lines, container } of byTarget.values()) {
    const status = [
      ...(pod?.status?.containerStatuses ?? []),
      ...(pod?.status?.initContainerStatuses ?? []),
    ].find((s) => s.name === container);
    const id = runId(status?.containerID);
    if (!pod || !id) continue;
    await appendJournal(database.sql, sandboxId, pod.metadata.uid ?? "", id, lines);
  }
}
