import type { Database } from "../db/connection.ts";
import { readJournal } from "../db/pods/journal.ts";
import { badRequest } from "../kube/errors.ts";
import { type ConsoleWrite, writeText } from "../kube/runtime/shell/console.ts";
import type { Evaluation } from "../kube/runtime/shell/evaluate.ts";
import { renderTimes } from "../kube/runtime/shell/log-time.ts";
import type { Container, Pod } from "../kube/types/core-v1.ts";
import { containersOf, type Run, runOf, statusesOf } from "./container-refs.ts";
import { runEvaluation } from "./runs.ts";

/**
 * A container's log as the kubelet serves it (`GET pods/NAME/log`): what its main process
 * wrote, and what others wrote to it (a server's access log), line by line with their times,
 * up to now. A repeating loop's lines are computed from its turn, from the end when only the
 * tail is asked for, so a loop that ran for a day costs what ten lines cost.
 */

/** One log line: its time (ms), stream and text (no newline). */
export interface LogLine {
  atMs: number;
  stream: "stdout" | "stderr";
  text: string;
}

/**
 * What `kubectl logs` gets of a container's log: the kubelet's current log file, which it
 * rotates past containerLogMaxSize (10 MiB by default) and of which it serves nothing older. A
 * line takes its text and the CRI prefix and newline ("2006-01-02T15:04:05.999999999Z stdout F
 * …\n": 41 bytes) there. Without this bound, a month-old loop's whole log would be made (and
 * held) for one request.
 */
export const logFileMaxBytes = 10 * 1024 * 1024;
const criLineBytes = 41;
/** The most lines a log file of that size holds: what a request expands at most, and a journal keeps. */
export const logFileMaxLines = Math.floor(logFileMaxBytes / criLineBytes);

/** The newest lines that fit in a log file before it rotates (see logFileMaxBytes), in order. */
export function currentLogFile(lines: LogLine[]): LogLine[] {
  let bytes = 0;
  let first = lines.length;
  while (first > 0) {
    bytes += criLineBytes + Buffer.byteLength((lines[first - 1] as LogLine).text);
    if (bytes > logFileMaxBytes) break;
    first--;
  }
  return first === 0 ? lines : lines.slice(first);
}

/** What the request asks for. */
export interface LogQuery {
  previous: boolean;
  tailLines?: number;
  sinceMs?: number;
}

/** Splits console writes into lines (a last line without a newline is a line too). */
function linesOf(writes: ConsoleWrite[]): LogLine[] {
  const out: LogLine[] = [];
  for (const w of writes) {
    const parts = writeText(w).split("\n");
    if (parts[parts.length - 1] === "") parts.pop();
    for (const text of parts) out.push({ atMs: w.atMs, stream: w.stream, text });
  }
  return out;
}

/** A repeating series of lines: turn k's lines at `fromMs + k·periodMs + offset`. */
interface Series {
  fromMs: number;
  periodMs: number;
  lines: { offsetMs: number; stream: "stdout" | "stderr"; text: string }[];
}

/** The series' lines in [sinceMs, untilMs], the last `tail` of them at most, in order. */
function expand(s: Series, sinceMs: number, untilMs: number, tail: number | undefined): LogLine[] {
  if (!s.lines.length || untilMs < s.fromMs) return [];
  const out: LogLine[] = [];
  const firstTurn = Math.max(0, Math.floor((sinceMs - s.fromMs) / s.periodMs));
  const lastTurn = Math.floor((untilMs - s.fromMs) / s.periodMs);
  // From the end backwards when a tail is asked for: only as many turns as it needs.
  for (let k = lastTurn; k >= firstTurn; k--) {
    const base = s.fromMs + k * s.periodMs;
    for (let i = s.lines.length - 1; i >= 0; i--) {
      const l = s.lines[i] as Series["lines"][number];
      const at = base + l.offsetMs;
      if (at > untilMs || at < sinceMs) continue;
      out.push({ atMs: at, stream: l.stream, text: l.text });
    }
    if (tail !== undefined && out.length >= tail) break;
  }
  return out.reverse();
}

function keepTail(lines: LogLine[], tail: number | undefined): LogLine[] {
  return tail === undefined ? lines : tail <= 0 ? [] : lines.slice(-tail);
}

/** The lines of an evaluation, in [since, until], the last `tail` at most (exported for tests). */
export function evaluationLines(
  e: Evaluation,
  sinceMs: number,
  untilMs: number,
  tail: number | undefined,
): LogLine[] {
  const concrete = linesOf(e.writes).filter((l) => l.atMs >= sinceMs && l.atMs <= untilMs);
  if (!e.period) return keepTail(concrete, tail);
  const series: Series = {
    fromMs: e.period.fromMs,
    periodMs: e.period.periodMs,
    lines: e.period.writes.flatMap((w) =>
      linesOf([{ atMs: w.offsetMs, stream: w.stream, text: w.text }]).map((l) => ({
        offsetMs: l.atMs,
        stream: l.stream,
        text: l.text,
      })),
    ),
  };
  const repeated = expand(series, sinceMs, untilMs, tail);
  return keepTail([...concrete, ...repeated], tail);
}

/** Journal lines in [since, until] (repeating ones expanded), the last `tail` at most. */
export function journalLines(
  rows: Awaited<ReturnType<typeof readJournal>>,
  sinceMs: number,
  untilMs: number,
  tail: number | undefined,
): LogLine[] {
  const out: LogLine[] = [];
  for (const r of rows) {
    if (r.periodMs === null) {
      if (r.atMs >= sinceMs && r.atMs <= untilMs) out.push({ atMs: r.atMs, stream: r.stream, text: r.text });
    } else
      out.push(
        ...expand(
          { fromMs: r.atMs, periodMs: r.periodMs, lines: [{ offsetMs: 0, stream: r.stream, text: r.text }] },
          sinceMs,
          untilMs,
          tail,
        ),
      );
  }
  out.sort((a, b) => a.atMs - b.atMs);
  return keepTail(out, tail).map((l) => ({ ...l, text: renderTimes(l.text, l.atMs) }));
}

/** The error the kubelet gives for a container without the run asked for. */
function noRun(pod: Pod, container: Container, previous: boolean): Error {
  const status = statusesOf(pod).find((s) => s.name === container.name);
  const podName = pod.metadata.name ?? "";
  if (previous)
    return badRequest(`previous terminated container "${container.name}" in pod "${podName}" not found`);
  const reason = status?.state?.waiting?.reason || "ContainerCreating";
  return badRequest(`container "${container.name}" in pod "${podName}" is waiting to start: ${reason}`);
}

/** A container's log lines up to `nowMs`. */
export async function containerLog(
  database: Database,
  sandboxId: string,
  pod: Pod,
  container: Container,
  nowMs: number,
  query: LogQuery,
): Promise<{ lines: LogLine[]; run: Run; ended: boolean }> {
  const status = statusesOf(pod).find((s) => s.name === container.name);
  const run = runOf(status, query.previous);
  if (!run) throw noRun(pod, container, query.previous);
  const untilMs = Math.min(nowMs, run.finishedMs ?? nowMs);
  // The pod's other running containers first: what they wrote to this log is then in the journal.
  for (const other of containersOf(pod)) {
    if (other.name === container.name) continue;
    const r = runOf(
      statusesOf(pod).find((s) => s.name === other.name),
      false,
    );
    if (r && r.finishedMs === null) await runEvaluation(database, sandboxId, pod, other, r, nowMs);
  }
  const e = await runEvaluation(database, sandboxId, pod, container, run, untilMs);
  const sinceMs = query.sinceMs ?? Number.NEGATIVE_INFINITY;
  const tail = Math.min(query.tailLines ?? logFileMaxLines, logFileMaxLines);
  const own = evaluationLines(e, sinceMs, untilMs, tail);
  const journal = journalLines(
    await readJournal(database.sql, sandboxId, pod.metadata.uid ?? "", run.containerId),
    sinceMs,
    untilMs,
    tail,
  );
  const lines = currentLogFile(keepTail(mergeByTime(own, journal), tail));
  return { lines, run, ended: run.finishedMs !== null || e.end !== null };
}

function mergeByTime(a: LogLine[], b: LogLine[]): LogLine[] {
  if (!b.length) return a;
  const out: LogLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as LogLine).atMs <= (b[j] as LogLine).atMs))
      out.push(a[i++] as LogLine);
    else out.push(b[j++] as LogLine);
  }
  return out;
}

/** A line as the kubelet serves it: RFC 3339 with nanoseconds before it, with --timestamps. */
export function formatLine(line: LogLine, timestamps: boolean): string {
  if (!timestamps) return `${line.text}\n`;
  const iso = new Date(line.atMs).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
  return `${iso} ${line.text}\n`;
}
