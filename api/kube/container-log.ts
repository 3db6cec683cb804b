import { randomUUID } from "node:crypto";
import type { Database } from "../../db/connection.ts";
import type { ContainerRef } from "../../kube/network/context.ts";
import { writeAppends } from "../../pods/runs.ts";

/**
 * Appends lines a server wrote (nginx's access log) to a container's log, for requests the API
 * serves itself (the proxy, port-forward): into the pods' journal, as an exec's appends are.
 */
export async function appendContainerLog(
  ctx: { database: Database; sandboxId: string },
  target: ContainerRef,
  lines: string[],
  atMs: number,
): Promise<void> {
  if (!lines.length) return;
  const write = randomUUID();
  // No pod of the sandbox is the writer: the API server is.
  const apiServer = { metadata: { name: "", namespace: "" } };
  await writeAppends(
    ctx.database,
    ctx.sandboxId,
    apiServer,
    lines.map((text, i) => ({
      append: { target },
      line: {
        source: `api:${write}:${i}`,
        atMs,
        periodMs: null,
        stream: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(error|warn|notice)\]/.test(text) ? "stderr" : "stdout",
        text,
      },
    })),
  );
}
