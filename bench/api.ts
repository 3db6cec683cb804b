import { type BenchSandbox, benchPod, kube } from "./client.ts";
import type { BenchService as Service } from "./service.ts";
import { type Summary, samples, summarize, timeEach } from "./stats.ts";

/** The API figures for one sandbox. */
export interface ApiFigures {
  getPod: Summary;
  listPods100BySelector: Summary;
  createPod: Summary;
  serverSideApply: Summary;
  watchDelivery100Watches: Summary;
}

/**
 * Waits until no pod of the sandbox is on its way anywhere: each Running, or Pending for want of
 * a node (three nodes hold 110 pods each). At most `ms`.
 */
async function settled(service: Service, sb: BenchSandbox, ms = 60_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const list = (await kube(service, sb, "/api/v1/pods")) as {
      items: { spec?: { nodeName?: string }; status?: { phase?: string } }[];
    };
    if (list.items.every((p) => p.status?.phase === "Running" || !p.spec?.nodeName)) return;
    if (performance.now() > deadline) throw new Error("the populated sandbox's pods never all ran");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Where the create figure's pods go: a namespace of their own, so that the pods one run creates
 * do not grow what the next run's LIST of `default` reads (the scale ratio compares the same
 * sandbox, with and without 10,000 others, and nothing else).
 */
const createdNamespace = "bench-created";

/**
 * Fills a sandbox with 100 pods labelled app=bench and 100 labelled app=other, and waits until
 * they all run: the API figures are taken on a sandbox at rest, not against its own start-up.
 */
export async function populate(service: Service, sb: BenchSandbox): Promise<void> {
  await kube(service, sb, "/api/v1/namespaces", {
    method: "POST",
    body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: createdNamespace } }),
  });
  for (let i = 0; i < 200; i += 20)
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => {
        const n = i + j;
        const pod = benchPod(`seed-${n}`, { app: n < 100 ? "bench" : "other" });
        return kube(service, sb, "/api/v1/namespaces/default/pods", {
          method: "POST",
          body: JSON.stringify(pod),
        });
      }),
    );
  await settled(service, sb);
}

/** Reads lines of a watch stream, calling `onEvent` with each event's arrival time. */
async function readWatch(body: ReadableStream<Uint8Array>, onEvent: (name: string, at: number) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const at = performance.now();
    buffer += decoder.decode(value, { stream: true });
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) onEvent(JSON.parse(line).object?.metadata?.name ?? "", at);
      nl = buffer.indexOf("\n");
    }
  }
}

/** Watch delivery: 100 open watches on configmaps; time from write start to each watch's event. */
async function watchDelivery(
  service: Service,
  sb: BenchSandbox,
  writes: number,
  tag: string,
): Promise<number[]> {
  const list = (await kube(service, sb, "/api/v1/namespaces/default/configmaps")) as {
    metadata: { resourceVersion: string };
  };
  const aborts = new AbortController();
  const started = new Map<string, number>();
  const latencies: number[] = [];
  const streams = await Promise.all(
    Array.from({ length: samples(100) }, async () => {
      const res = await service.kubeFetch(
        `${service.https}/sandboxes/${sb.id}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
        { headers: { authorization: `Bearer ${sb.token}` }, signal: aborts.signal },
      );
      if (!res.body) throw new Error("watch without a body");
      // Wrapped, so that opening all watches does not wait for them to end.
      return {
        done: readWatch(res.body, (name, at) => {
          const t0 = started.get(name);
          if (t0 !== undefined) latencies.push(at - t0);
        }).catch(() => {}),
      };
    }),
  );
  for (let i = 0; i < writes; i++) {
    const name = `watched-${tag}-${i}`;
    started.set(name, performance.now());
    await kube(service, sb, "/api/v1/namespaces/default/configmaps", {
      method: "POST",
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name },
        data: { i: String(i) },
      }),
    });
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 500));
  aborts.abort();
  await Promise.all(streams.map((s) => s.done));
  return latencies;
}

/**
 * Measures the API figures against one populated sandbox; `tag` keeps object names apart between
 * runs. Enough samples that a p99 is not one or two stray ones: a pause of the VM or a GC lands
 * in any run, and with 100 samples the p99 is the second worst. A watch figure's samples come
 * 100 at a time (one write, every watch), so it takes 50 writes.
 */
export async function apiFigures(service: Service, sb: BenchSandbox, tag: string): Promise<ApiFigures> {
  const step = (what: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]   ${what}`);
  // Not measured: a sandbox in use has its rows in Postgres's cache, and the scale run's bulk
  // clone has just pushed them out. Both runs read each pod and the list once first.
  for (let i = 0; i < 200; i++) await kube(service, sb, `/api/v1/namespaces/default/pods/seed-${i}`);
  await kube(service, sb, "/api/v1/namespaces/default/pods?labelSelector=app%3Dbench");
  step("get");
  const getPod = await timeEach(samples(1000), (i) =>
    kube(service, sb, `/api/v1/namespaces/default/pods/seed-${i % 200}`),
  );
  step("list");
  const listPods = await timeEach(samples(200), () =>
    kube(service, sb, "/api/v1/namespaces/default/pods?labelSelector=app%3Dbench"),
  );
  step("create");
  const createPod = await timeEach(samples(200), (i) =>
    kube(service, sb, `/api/v1/namespaces/${createdNamespace}/pods`, {
      method: "POST",
      body: JSON.stringify(benchPod(`created-${tag}-${i}`, { app: "created" })),
    }),
  );
  // The pods just made start up; the next figures are taken once they have.
  await settled(service, sb);
  step("apply");
  const apply = await timeEach(samples(300), (i) =>
    kube(service, sb, `/api/v1/namespaces/default/configmaps/applied-${tag}?fieldManager=bench&force=true`, {
      method: "PATCH",
      headers: { "content-type": "application/apply-patch+yaml" },
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `applied-${tag}` },
        data: { n: String(i) },
      }),
    }),
  );
  step("watch");
  const watch = await watchDelivery(service, sb, samples(50), tag);
  return {
    getPod: summarize(getPod),
    listPods100BySelector: summarize(listPods),
    createPod: summarize(createPod),
    serverSideApply: summarize(apply),
    watchDelivery100Watches: summarize(watch),
  };
}
