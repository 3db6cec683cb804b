import postgres from "postgres";
import { type BenchSandbox, benchPod, kube } from "./client.ts";
import type { BenchService as Service } from "./service.ts";
import { type Summary, summarize } from "./stats.ts";

type Obj = { metadata: { name: string; resourceVersion?: string }; status?: Record<string, unknown> };

function isRunningReady(obj: Obj): boolean {
  const status = obj.status ?? {};
  const conditions = Array.isArray(status.conditions)
    ? (status.conditions as { type: string; status: string }[])
    : [];
  return status.phase === "Running" && conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** Opens a watch from a list's revision; calls `onObject` with each event's object and arrival time. */
async function watch(
  service: Service,
  sb: BenchSandbox,
  path: string,
  onObject: (obj: Obj, at: number) => void,
) {
  const list = (await kube(service, sb, path)) as { metadata: { resourceVersion: string } };
  const abort = new AbortController();
  const res = await service.kubeFetch(
    `${service.https}/sandboxes/${sb.id}${path}${path.includes("?") ? "&" : "?"}watch=1&resourceVersion=${list.metadata.resourceVersion}`,
    {
      headers: { authorization: `Bearer ${sb.token}` },
      signal: abort.signal,
    },
  );
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      const at = performance.now();
      buffer += decoder.decode(value, { stream: true });
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) onObject(JSON.parse(line).object as Obj, at);
        nl = buffer.indexOf("\n");
      }
    }
  })().catch(() => {});
  return async () => {
    abort.abort();
    await done;
  };
}

/** Pod create → Running and Ready, at a steady `rate` of creates per second spread over sandboxes. */
export async function podToRunning(
  service: Service,
  sandboxes: BenchSandbox[],
  rate: number,
  count: number,
  tag: string,
  /** Filled with each create's latency (request to 201), when given. */
  createLatencies?: number[],
): Promise<Summary> {
  const started = new Map<string, number>();
  const samples: number[] = [];
  const stops = await Promise.all(
    sandboxes.map((sb) =>
      watch(service, sb, "/api/v1/namespaces/default/pods?labelSelector=app%3Drunning", (obj, at) => {
        const t0 = started.get(obj.metadata.name);
        if (t0 !== undefined && isRunningReady(obj)) {
          samples.push(at - t0);
          started.delete(obj.metadata.name);
        }
      }),
    ),
  );
  const interval = 1000 / rate;
  const begin = performance.now();
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = begin + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = `run-${tag}-${i}`;
    const sb = sandboxes[i % sandboxes.length] as BenchSandbox;
    const sent = performance.now();
    started.set(name, sent);
    creates.push(
      kube(service, sb, "/api/v1/namespaces/default/pods", {
        method: "POST",
        body: JSON.stringify(benchPod(name, { app: "running" })),
      }).then(() => createLatencies?.push(performance.now() - sent)),
    );
  }
  await Promise.all(creates);
  const deadline = performance.now() + 30_000;
  while (started.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await Promise.all(stops.map((stop) => stop()));
  if (started.size) throw new Error(`${started.size} pods never became Running`);
  return summarize(samples);
}

/** RC of 3 created → readyReplicas 3, and a deleted pod → its replacement Running (n each). */
export async function rcFigures(
  service: Service,
  sb: BenchSandbox,
  n: number,
): Promise<{ rcOf3Ready: Summary; replacementRunning: Summary }> {
  const ready: number[] = [];
  const replaced: number[] = [];
  for (let i = 0; i < n; i++) {
    const name = `rc-${i}`;
    let t0 = 0;
    let readyAt = 0;
    const stopRc = await watch(
      service,
      sb,
      `/api/v1/namespaces/default/replicationcontrollers?fieldSelector=metadata.name%3D${name}`,
      (obj, at) => {
        if (!readyAt && (obj.status as { readyReplicas?: number } | undefined)?.readyReplicas === 3)
          readyAt = at;
      },
    );
    t0 = performance.now();
    await kube(service, sb, "/api/v1/namespaces/default/replicationcontrollers", {
      method: "POST",
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "ReplicationController",
        metadata: { name },
        spec: {
          replicas: 3,
          selector: { rc: name },
          template: {
            metadata: { labels: { rc: name } },
            spec: { containers: [{ name: "nginx", image: "nginx" }] },
          },
        },
      }),
    });
    const deadline = performance.now() + 30_000;
    while (!readyAt && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await stopRc();
    if (!readyAt) throw new Error(`${name} never had 3 ready replicas`);
    ready.push(readyAt - t0);

    const pods = (await kube(service, sb, `/api/v1/namespaces/default/pods?labelSelector=rc%3D${name}`)) as {
      items: Obj[];
    };
    const victim = pods.items[0]?.metadata.name ?? "";
    let replacedAt = 0;
    const stopPods = await watch(
      service,
      sb,
      `/api/v1/namespaces/default/pods?labelSelector=rc%3D${name}`,
      (obj, at) => {
        if (
          !replacedAt &&
          obj.metadata.name !== victim &&
          !pods.items.some((p) => p.metadata.name === obj.metadata.name) &&
          isRunningReady(obj)
        )
          replacedAt = at;
      },
    );
    const d0 = performance.now();
    await kube(service, sb, `/api/v1/namespaces/default/pods/${victim}`, {
      method: "DELETE",
      body: JSON.stringify({ gracePeriodSeconds: 0 }),
    });
    const until = performance.now() + 30_000;
    while (!replacedAt && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    await stopPods();
    if (!replacedAt) throw new Error(`no replacement for ${victim}`);
    replaced.push(replacedAt - d0);
  }
  return { rcOf3Ready: summarize(ready), replacementRunning: summarize(replaced) };
}

/** Queue jobs completed so far (graphile-worker deletes finished jobs; Postgres counts the deletes). */
export async function jobsCompleted(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ n: string }[]>`
    SELECT coalesce(sum(n_tup_del), 0) AS n FROM pg_stat_user_tables WHERE schemaname = 'graphile_worker'`;
  await sql.end();
  return Number(row?.n ?? 0);
}

/**
 * `kubectl scale deployment --replicas=<replicas>` in one sandbox, as kubectl sends it (a merge
 * patch of the scale subresource) on a Deployment of none: ms from the patch to the Deployment's
 * status showing every replica ready.
 */
export async function scaleToReady(service: Service, sb: BenchSandbox, replicas: number): Promise<number> {
  const name = "scale";
  const path = "/apis/apps/v1/namespaces/default/deployments";
  await kube(service, sb, path, {
    method: "POST",
    body: JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: "nginx", image: "nginx" }] },
        },
      },
    }),
  });
  let readyAt = 0;
  const stop = await watch(service, sb, `${path}?fieldSelector=metadata.name%3D${name}`, (obj, at) => {
    if (!readyAt && (obj.status as { readyReplicas?: number } | undefined)?.readyReplicas === replicas)
      readyAt = at;
  });
  const t0 = performance.now();
  await service.kubeFetch(`${service.https}/sandboxes/${sb.id}${path}/${name}/scale`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${sb.token}`, "content-type": "application/merge-patch+json" },
    body: JSON.stringify({ spec: { replicas } }),
  });
  const deadline = performance.now() + 120_000;
  while (!readyAt && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await stop();
  if (!readyAt) throw new Error(`${name} never had ${replicas} ready replicas`);
  return Math.round(readyAt - t0);
}
