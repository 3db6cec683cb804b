import type { Database } from "../db/connection.ts";
import { diskFullWriteError } from "../kube/runtime/shell/disk-space.ts";
import type { ExecOutcome } from "../kube/runtime/shell/exec.ts";
import { runInContainer } from "../kube/runtime/shell/exec.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { openContainer } from "./container.ts";
import { mainScope } from "./container-refs.ts";
import { fileBudgetOf } from "./file-budget.ts";
import { keepMainFiles, writingRuns } from "./main-files.ts";
import { writeAppends } from "./runs.ts";
import { containerFileReader } from "./served-files.ts";

/**
 * `kubectl exec`: a command in a running container, at the time of the request. What it
 * writes to files is saved (its layer, the pod's emptyDirs), what it writes to logs (a request
 * a server logged) goes to the journal.
 */
export async function execInContainer(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  argv: string[],
  options: { nowMs: number; stdin?: string; env?: Record<string, string>; cwd?: string },
): Promise<ExecOutcome> {
  const fileReader = containerFileReader;
  const budget = fileBudgetOf(database.limits, pod);
  let opened = await openContainer(database, sandboxId, pod, container, options.nowMs, {
    fileReader,
    budget,
  });
  // What the pod's main processes wrote up to now is there before the command looks (then the
  // container is opened again). When the only one that may write is this container's, its load
  // says up to when it was kept: nothing more to read.
  const runs = writingRuns(pod);
  const onlyThis =
    runs.length === 1 &&
    runs[0]?.container.name === container.name &&
    runs[0].run.containerId === opened.containerId;
  if (runs.length && !(onlyThis && (opened.mainKeptUntil ?? Number.NEGATIVE_INFINITY) >= options.nowMs)) {
    const known =
      onlyThis && runs[0]
        ? new Map([
            [
              mainScope(container.name, runs[0].run.containerId),
              opened.mainKeptUntil ?? Number.NEGATIVE_INFINITY,
            ],
          ])
        : undefined;
    if (await keepMainFiles(database, sandboxId, pod, options.nowMs, known, fileReader))
      opened = await openContainer(database, sandboxId, pod, container, options.nowMs, {
        fileReader,
        budget,
      });
  }
  const outcome = await runInContainer(opened.setup, argv, {
    nowMs: options.nowMs,
    ...(opened.startedMs ? { startedMs: opened.startedMs } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  // What did not fit after all (another request took the room meanwhile) is not kept: the
  // command's write failed, as on a disk that filled up under it.
  if (!(await opened.save())) {
    outcome.writes.push({
      stream: "stderr",
      text: diskFullWriteError,
      atMs: outcome.endMs,
    });
    if (outcome.exitCode === 0) outcome.exitCode = 1;
  }
  const source = `exec:${opened.containerId}:${options.nowMs}:${Math.random().toString(36).slice(2, 10)}`;
  await writeAppends(
    database,
    sandboxId,
    pod,
    outcome.appends.map((a, i) => ({
      append: a,
      line: { source: `${source}:${i}`, atMs: a.atMs, periodMs: null, stream: a.stream, text: a.text },
    })),
  );
  return outcome;
}
