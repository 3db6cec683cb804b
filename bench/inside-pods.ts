import postgres from "postgres";
import WebSocket from "ws";
import { type BenchSandbox, kube } from "./client.ts";
import type { BenchService } from "./service.ts";
import { samples, summarize, timeEach } from "./stats.ts";

/**
 * Inside pods: `kubectl logs --tail=10` of the tutorial's two-container pod whose loop has run
 * for a simulated day (its containers' start moved a day back through the status subresource,
 * as if the pod had run that long), an exec of `cat` over the WebSocket remote-command
 * protocol (upgrade to Status on channel 3 and close), and the storage a small file costs in
 * a container's writable layer.
 */

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "day-old" },
  spec: {
    containers: [
      { name: "my-nginx", image: "nginx" },
      {
        name: "my-centos",
        image: "centos",
        command: ["/bin/sh", "-c", "while : ; do echo tick; sleep 3; done"],
      },
    ],
  },
};

async function waitRunning(service: BenchService, sb: BenchSandbox): Promise<Record<string, unknown>> {
  for (let i = 0; i < 120; i++) {
    const p = (await kube(service, sb, "/api/v1/namespaces/default/pods/day-old")) as {
      status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] };
    };
    if (p.status?.phase === "Running" && p.status.containerStatuses?.every((c) => c.state?.running))
      return p as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("pod day-old did not run");
}

/** One exec of `cat /etc/hostname` over WebSocket, resolved when the server closes it. */
function execCat(service: BenchSandbox & { https: string; caPem: string }): Promise<string> {
  const url = `${service.https.replace(/^https/, "wss")}/sandboxes/${service.id}/api/v1/namespaces/default/pods/day-old/exec?command=cat&command=%2Fetc%2Fhostname&container=my-centos&stdout=true&stderr=true`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["v5.channel.k8s.io"], {
      ca: service.caPem,
      headers: { authorization: `Bearer ${service.token}` },
    });
    let out = "";
    let status = "";
    ws.on("message", (data: Buffer) => {
      if (data[0] === 1) out += data.subarray(1).toString();
      if (data[0] === 3) status = data.subarray(1).toString();
    });
    ws.on("close", () => (status.includes("Success") ? resolve(out) : reject(new Error(`exec: ${status}`))));
    ws.on("error", reject);
  });
}

/** The figures. */
export async function insidePodFigures(service: BenchService, sb: BenchSandbox, databaseUrl: string) {
  await kube(service, sb, "/api/v1/namespaces/default/pods", { method: "POST", body: JSON.stringify(pod) });
  const running = (await waitRunning(service, sb)) as {
    status: { containerStatuses: { state: { running: { startedAt: string } } }[] };
    metadata: { uid: string };
  };
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  for (const c of running.status.containerStatuses) c.state.running.startedAt = dayAgo;
  await kube(service, sb, "/api/v1/namespaces/default/pods/day-old/status", {
    method: "PUT",
    body: JSON.stringify(running),
  });
  const logPath = "/api/v1/namespaces/default/pods/day-old/log?container=my-centos&tailLines=10";
  const logOnce = async () => {
    const res = await service.kubeFetch(`${service.https}/sandboxes/${sb.id}${logPath}`, {
      headers: { authorization: `Bearer ${sb.token}` },
    });
    const text = await res.text();
    if (res.status !== 200 || text.split("\n").length !== 11)
      throw new Error(`logs: ${res.status} ${text.slice(0, 200)}`);
  };
  // The first read evaluates the day and settles it; the figure is every read after.
  const first = performance.now();
  await logOnce();
  const firstMs = Math.round(performance.now() - first);
  const logs = await timeEach(samples(200), logOnce);
  const target = { ...sb, https: service.https, caPem: service.caPem };
  for (let i = 0; i < 5; i++) await execCat(target);
  const execs = await timeEach(samples(200), async () => {
    if ((await execCat(target)) !== "day-old\n") throw new Error("exec cat: wrong output");
  });
  // A small file in a container's writable layer: the rows it adds.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const bytes = async () =>
      Number(
        (
          await sql<
            { b: string | null }[]
          >`SELECT sum(pg_column_size(pod_files.*))::bigint AS b FROM pod_files
            WHERE sandbox_id = ${sb.id} AND pod_uid = ${running.metadata.uid}`
        )[0]?.b ?? 0,
      );
    const before = await bytes();
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(
        `${service.https.replace(/^https/, "wss")}/sandboxes/${sb.id}/api/v1/namespaces/default/pods/day-old/exec?command=sh&command=-c&command=echo%20hello%20%3E%20%2Ftmp%2Fa&container=my-centos&stdout=true`,
        ["v5.channel.k8s.io"],
        { ca: service.caPem, headers: { authorization: `Bearer ${sb.token}` } },
      );
      ws.on("close", () => resolve());
      ws.on("error", reject);
    });
    const after = await bytes();
    return {
      logsTail10AfterADay: summarize(logs),
      logsFirstReadAfterADayMs: firstMs,
      execCatWebSocket: summarize(execs),
      layerBytesForOneSmallFile: after - before,
    };
  } finally {
    await sql.end();
  }
}
