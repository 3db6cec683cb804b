import { badRequest } from "../../kube/errors.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { containersOf } from "../../pods/container-refs.ts";
import { containerLog, formatLine, type LogLine } from "../../pods/logs.ts";
import { readObject } from "../../registry/read.ts";
import type { KubeRequestContext } from "./context.ts";
import { queryBool } from "./negotiate.ts";
import type { ResourcePath } from "./resource-path.ts";

/**
 * GET pods/NAME/log (PodLogOptions): container, tailLines, sinceSeconds or sinceTime,
 * timestamps, previous, limitBytes, and follow — a stream that sends the lines as the clock
 * reaches them and ends when the container stops (it looks again every second: the stream's
 * own wait, no timer per pod).
 */

const followPollMs = 1000;

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${v}`);
  return Number(v);
}

/** The container a log request names (or the pod's only one), as the API server picks it. */
export function pickContainer(pod: Pod, name: string | null, verb = "log"): Container {
  const all = containersOf(pod);
  const podName = pod.metadata.name ?? "";
  if (!name) {
    const main = pod.spec?.containers ?? [];
    if (main.length === 1) return main[0] as Container;
    throw badRequest(
      `a container name must be specified for pod ${podName}, choose one of: [${main.map((c) => c.name).join(" ")}]${
        pod.spec?.initContainers?.length
          ? ` or one of the init containers: [${pod.spec.initContainers.map((c) => c.name).join(" ")}]`
          : ""
      }`,
    );
  }
  const found = all.find((c) => c.name === name);
  if (!found) throw badRequest(`container ${name} is not valid for pod ${podName}`);
  void verb;
  return found;
}

/** Serves the log request. */
export async function handleLog(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  path: ResourcePath,
): Promise<Response> {
  const pod = viewAs(
    podKind,
    await readObject(ctx.database, ctx.sandboxId, podKind, {
      namespace: path.namespace,
      name: path.name ?? "",
    }),
  );
  const container = pickContainer(pod, url.searchParams.get("container"));
  const tailLines = intParam(url, "tailLines");
  const limitBytes = intParam(url, "limitBytes");
  const sinceSeconds = intParam(url, "sinceSeconds");
  const sinceTime = url.searchParams.get("sinceTime");
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    throw badRequest("sinceSeconds: Invalid value: must be greater than 0");
  if (limitBytes !== undefined && limitBytes < 1)
    throw badRequest("limitBytes: Invalid value: must be greater than 0");
  if (sinceSeconds !== undefined && sinceTime)
    throw badRequest("at most one of `sinceTime` or `sinceSeconds` may be specified");
  const now = Date.now();
  const sinceMs =
    sinceSeconds !== undefined ? now - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  if (sinceMs !== undefined && Number.isNaN(sinceMs))
    throw badRequest(`invalid value for sinceTime: ${sinceTime}`);
  const timestamps = queryBool(url, "timestamps");
  const previous = queryBool(url, "previous");
  const query = {
    previous,
    ...(tailLines !== undefined && tailLines >= 0 ? { tailLines } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
  };
  const first = await containerLog(ctx.database, ctx.sandboxId, pod, container, now, query);
  const headers = { "content-type": "text/plain", "cache-control": "no-cache, private" };
  let budget = limitBytes ?? Number.POSITIVE_INFINITY;
  const encoder = new TextEncoder();
  const chunk = (lines: LogLine[]): Uint8Array<ArrayBuffer> | null => {
    if (budget <= 0) return null;
    let bytes = encoder.encode(lines.map((l) => formatLine(l, timestamps)).join(""));
    if (bytes.length > budget) bytes = bytes.slice(0, budget);
    budget -= bytes.length;
    return bytes;
  };
  if (!queryBool(url, "follow") || previous || first.ended)
    return new Response(chunk(first.lines), { headers });
  // Follow: the lines so far, then every second the lines the clock reached since.
  let lastMs = first.lines.at(-1)?.atMs ?? now;
  let sentAtLast = first.lines.filter((l) => l.atMs === lastMs).length;
  let horizon = now;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const firstChunk = chunk(first.lines);
      if (firstChunk?.length) controller.enqueue(firstChunk);
    },
    async pull(controller) {
      while (!req.signal.aborted && budget > 0) {
        await new Promise((r) => setTimeout(r, followPollMs));
        if (req.signal.aborted || !(await ctx.stillAllowed())) break;
        const fresh = viewAs(
          podKind,
          (await readObject(ctx.database, ctx.sandboxId, podKind, {
            namespace: path.namespace,
            name: path.name ?? "",
          }).catch(() => null)) ?? pod,
        );
        const nowMs = Date.now();
        let next: Awaited<ReturnType<typeof containerLog>>;
        try {
          next = await containerLog(ctx.database, ctx.sandboxId, fresh, container, nowMs, {
            previous: false,
            sinceMs: Math.min(lastMs, horizon),
          });
        } catch {
          break;
        }
        if (next.run.containerId !== first.run.containerId) break;
        const newLines = next.lines.filter((l) => l.atMs > lastMs);
        const atLast = next.lines.filter((l) => l.atMs === lastMs).slice(sentAtLast);
        const out = [...atLast, ...newLines];
        horizon = nowMs;
        if (out.length) {
          const last = out.at(-1) as LogLine;
          sentAtLast =
            last.atMs === lastMs ? sentAtLast + out.length : out.filter((l) => l.atMs === last.atMs).length;
          lastMs = last.atMs;
          const c = chunk(out);
          if (c?.length) controller.enqueue(c);
          if (next.ended) break;
          return;
        }
        if (next.ended) break;
      }
      controller.close();
    },
  });
  return new Response(stream, { headers });
}
