import { type BenchSandbox, benchPod, benchSandbox, kube } from "./client.ts";
import { graphql, type BenchService as Service } from "./service.ts";
import { quick, type Summary, samples, summarize, timeEach } from "./stats.ts";
import { tutorialSteps, withUids } from "./tutorial-steps.ts";

const step = (what: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]   ${what}`);

/** A GraphQL call that fails the bench on any error. */
async function gql(service: Service, query: string, variables: Record<string, unknown>, token?: string) {
  const r = await graphql(service.http, query, variables, token);
  if (r.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(r.errors).slice(0, 300)}`);
  return r.data;
}

async function newUser(service: Service, name: string): Promise<string> {
  const d = await gql(service, `mutation($e:String!){signUp(email:$e,password:"bench-password-1"){token}}`, {
    e: `${name}-${Date.now()}-${Math.random()}@example.com`,
  });
  return d.signUp.token;
}

/** Waits until every pod of the sandbox is Running (at most `ms`). */
async function podsRunning(service: Service, sb: BenchSandbox, ms = 60_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const list = (await kube(service, sb, "/api/v1/pods")) as { items: { status?: { phase?: string } }[] };
    if (list.items.every((p) => p.status?.phase === "Running")) return;
    if (performance.now() > deadline) throw new Error("the template's pods never all ran");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A manifest of 50 objects: 20 ConfigMaps, 10 Secrets, 10 Services, 10 Pods. */
function fiftyObjects(): string {
  const docs: unknown[] = [];
  for (let i = 0; i < 20; i++)
    docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}` }, data: { i: String(i) } });
  for (let i = 0; i < 10; i++)
    docs.push({ apiVersion: "v1", kind: "Secret", metadata: { name: `s-${i}` }, stringData: { k: `v${i}` } });
  for (let i = 0; i < 10; i++)
    docs.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: `svc-${i}` },
      spec: { selector: { app: `a${i}` }, ports: [{ port: 80 }] },
    });
  for (let i = 0; i < 10; i++) docs.push(benchPod(`pod-${i}`, { app: `a${i}` }));
  return docs.map((d) => JSON.stringify(d)).join("\n---\n");
}

/** What an SSE event carries, as far as the bench reads it. */
type SsePayload = { data?: { sandboxChanges?: { object?: { name?: string } } } | null };

/** Opens an SSE subscription; `onEvent` gets each payload with its arrival time. Returns its end. */
function sse(
  service: Service,
  query: string,
  variables: Record<string, unknown>,
  token: string,
  signal: AbortSignal,
  onEvent: (payload: SsePayload, at: number) => void,
): Promise<void> {
  return (async () => {
    const res = await fetch(`${service.http}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = performance.now();
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, cut))?.[1];
        buffer = buffer.slice(cut + 2);
        if (data) onEvent(JSON.parse(data) as SsePayload, at);
        cut = buffer.indexOf("\n\n");
      }
    }
  })().catch(() => {});
}

/** Subscription delivery: 100 subscribers of one sandbox's changes; time from write start to each one's event. */
async function subscriptionDelivery(service: Service, userToken: string, sb: BenchSandbox, writes: number) {
  const aborts = new AbortController();
  const started = new Map<string, number>();
  const latencies: number[] = [];
  const query = `subscription($s:ID!){sandboxChanges(sandboxId:$s){type object{name}}}`;
  const ends = Array.from({ length: samples(100) }, () =>
    sse(service, query, { s: sb.id }, userToken, aborts.signal, (payload, at) => {
      const t0 = started.get(payload.data?.sandboxChanges?.object?.name ?? "");
      if (t0 !== undefined) latencies.push(at - t0);
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < writes; i++) {
    const name = `sub-${i}`;
    started.set(name, performance.now());
    await kube(service, sb, "/api/v1/namespaces/default/configmaps", {
      method: "POST",
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } }),
    });
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  aborts.abort();
  await Promise.all(ends);
  return latencies;
}

/** One learner's walk: join, then the tutorial's requests with think time; each step's latency by step. */
async function learner(
  service: Service,
  token: string,
  code: string,
  thinkMs: () => number,
  record: (step: string, ms: number) => void,
): Promise<void> {
  let start = performance.now();
  const joined = await gql(
    service,
    `mutation($c:String!){joinClassroom(code:$c){id kubeconfig}}`,
    { c: code },
    token,
  );
  record("joinClassroom", performance.now() - start);
  const sb = {
    id: joined.joinClassroom.id,
    token: /token: (\S+)/.exec(joined.joinClassroom.kubeconfig)?.[1] ?? "",
  };
  // The uids of the objects this walk made, for the requests that name them (describe's events).
  const uids = new Map<string, string>();
  let previous = "";
  for (const s of tutorialSteps) {
    // The learner thinks between commands; a command's own requests follow one another.
    if (s.command !== previous) await new Promise((r) => setTimeout(r, thinkMs()));
    previous = s.command;
    start = performance.now();
    const res = await service.kubeFetch(`${service.https}/sandboxes/${sb.id}${withUids(s.path, uids)}`, {
      method: s.method,
      headers: {
        authorization: `Bearer ${sb.token}`,
        ...(s.accept ? { accept: s.accept } : {}),
        ...(s.contentType ? { "content-type": s.contentType } : {}),
      },
      ...(s.body ? { body: withUids(s.body, uids) } : {}),
    });
    const answer = Buffer.from(await res.arrayBuffer());
    record(`${s.command}: ${s.method}`, performance.now() - start);
    if (res.status >= 400 && res.status !== s.status) throw new Error(`${s.command}: ${res.status}`);
    if (s.method === "POST" && res.status === 201) {
      const made = JSON.parse(answer.toString()) as { metadata?: { name?: string; uid?: string } };
      if (made.metadata?.name && made.metadata.uid) uids.set(made.metadata.name, made.metadata.uid);
    }
  }
}

/**
 * A class at once, `n` learners: a class with a small template, each learner joining and then
 * walking the tutorial with 1–3 s of think time between requests (`thinkMs` to 3×), arriving
 * over the first 5 think times, while the instructor's
 * overview is subscribed. Every step's p99, and how many overviews the instructor received.
 */
async function classOf(
  service: Service,
  instructor: string,
  template: string,
  learners: string[],
  thinkMs: number,
) {
  const c = await gql(
    service,
    `mutation($n:String!,$s:Int!,$t:ID!){createClassroom(name:$n,seats:$s,templateSandboxId:$t){id joinCode}}`,
    { n: `class-${learners.length}`, s: learners.length, t: template },
    instructor,
  );
  const aborts = new AbortController();
  let overviews = 0;
  const overview = sse(
    service,
    `subscription($c:ID!){classroomOverview(classroomId:$c){sandboxId warnings podsByPhase{phase count}}}`,
    { c: c.createClassroom.id },
    instructor,
    aborts.signal,
    () => overviews++,
  );
  const steps = new Map<string, number[]>();
  const record = (name: string, ms: number) => steps.set(name, [...(steps.get(name) ?? []), ms]);
  const failures: string[] = [];
  const started = performance.now();
  await Promise.all(
    learners.map(async (token, i) => {
      // Arrivals spread over the first 5 s, as a class that was told "start now".
      await new Promise((r) => setTimeout(r, (i / learners.length) * 5 * thinkMs));
      await learner(
        service,
        token,
        c.createClassroom.joinCode,
        () => thinkMs * (1 + Math.random() * 2),
        record,
      ).catch((err: Error) => failures.push(err.message));
    }),
  );
  aborts.abort();
  await overview;
  const byStep = Object.fromEntries([...steps].map(([name, ms]) => [name, summarize(ms)]));
  const worstP99 = Math.max(...Object.values(byStep).map((s) => s.p99));
  return {
    learners: learners.length,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    worstStepP99: worstP99,
    failures: failures.length,
    // What went wrong, a few of them: a figure with failures says nothing without them.
    ...(failures.length ? { firstFailures: [...new Set(failures)].slice(0, 3) } : {}),
    overviewsReceived: overviews,
    steps: byStep,
  };
}

/** What the classroom section reports. */
export interface ClassroomFigures {
  forkTemplate50Objects: Summary;
  createSandboxForComparison: Summary;
  sandboxOverviewQuery: Summary;
  subscriptionDelivery100Subscribers: Summary;
  classAtOnce: { largestN: number; stepP99LimitMs: number; runs: unknown[] };
}

/**
 * The classroom figures: forking a 50-object template (against a new sandbox), a GraphQL
 * overview of a sandbox (all pods with owners, services with endpoints), subscription delivery
 * to 100 subscribers, and the largest class this machine holds with every step's p99 under
 * 100 ms (CLASS_SIZES=50,100,… overrides the ladder).
 */
export async function classroomFigures(service: Service, userToken: string): Promise<ClassroomFigures> {
  step("fork a 50-object template");
  const template = await benchSandbox(service, userToken, "fork-template");
  const applied = await gql(
    service,
    `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
    { s: template.id, m: fiftyObjects() },
    userToken,
  );
  if (!applied.applyManifest.ok) throw new Error("the fork template did not apply");
  await podsRunning(service, template);
  for (let i = 0; i < 10; i++)
    await gql(
      service,
      `mutation($s:ID!,$n:String!){forkSandbox(id:$s,name:$n){id}}`,
      { s: template.id, n: `warm-fork-${i}` },
      userToken,
    );
  const fork = await timeEach(samples(100), (i) =>
    gql(
      service,
      `mutation($s:ID!,$n:String!){forkSandbox(id:$s,name:$n){id}}`,
      { s: template.id, n: `fork-${i}` },
      userToken,
    ),
  );
  const create = await timeEach(samples(100), (i) =>
    gql(service, `mutation($n:String!){createSandbox(name:$n){id}}`, { n: `plain-${i}` }, userToken),
  );

  step("sandbox overview over GraphQL");
  const shop = await benchSandbox(service, userToken, "overview");
  await kube(service, shop, "/api/v1/namespaces/default/replicationcontrollers", {
    method: "POST",
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "web" },
      spec: { replicas: 10, selector: { app: "web" }, template: benchPod("x", { app: "web" }) },
    }),
  });
  await kube(service, shop, "/api/v1/namespaces/default/services", {
    method: "POST",
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    }),
  });
  for (;;) {
    const pods = (await kube(service, shop, "/api/v1/namespaces/default/pods")) as {
      items: { status?: { phase?: string } }[];
    };
    const ep = (await kube(service, shop, "/api/v1/namespaces/default/endpoints/web").catch(() => null)) as {
      subsets?: { addresses?: unknown[] }[];
    } | null;
    if (
      pods.items.length === 10 &&
      pods.items.every((p) => p.status?.phase === "Running") &&
      ep?.subsets?.[0]?.addresses?.length === 10
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const overviewQuery = `query($s:ID!){sandbox(id:$s){
    pods{nodes{name phase status podIP nodeName owner{kind name}}}
    services{nodes{name clusterIP ports{port} endpoints{ip ready pod{name}}}}}}`;
  for (let i = 0; i < 20; i++) await gql(service, overviewQuery, { s: shop.id }, userToken);
  const overview = await timeEach(samples(300), () => gql(service, overviewQuery, { s: shop.id }, userToken));

  step("subscription delivery to 100 subscribers");
  const subSandbox = await benchSandbox(service, userToken, "subscribed");
  const delivery = await subscriptionDelivery(service, userToken, subSandbox, samples(20));

  step("a class at once");
  const classTemplate = await benchSandbox(service, userToken, "class-template");
  await kube(service, classTemplate, "/api/v1/namespaces/default/configmaps", {
    method: "POST",
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "welcome" },
      data: { step: "1" },
    }),
  });
  const sizes = (process.env.CLASS_SIZES ?? (quick ? "5" : "10,25,50,100,200,400,800,1000"))
    .split(",")
    .map(Number)
    .filter((n) => n > 0);
  const limitMs = 100;
  const pool: string[] = [];
  const runs: unknown[] = [];
  let largestN = 0;
  for (const n of sizes) {
    // Learners' accounts made beforehand, 20 at a time (signing up hashes a password: ~20 ms of CPU).
    while (pool.length < n)
      pool.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(20, n - pool.length) }, (_, i) =>
            newUser(service, `learner-${pool.length + i}`),
          ),
        )),
      );
    step(`  ${n} learners`);
    const run = await classOf(service, userToken, classTemplate.id, pool.slice(0, n), quick ? 100 : 1_000);
    runs.push(run);
    if (run.failures > 0 || run.worstStepP99 >= limitMs) break;
    largestN = n;
  }
  return {
    forkTemplate50Objects: summarize(fork),
    createSandboxForComparison: summarize(create),
    sandboxOverviewQuery: summarize(overview),
    subscriptionDelivery100Subscribers: summarize(delivery),
    classAtOnce: { largestN, stepP99LimitMs: limitMs, runs },
  };
}
