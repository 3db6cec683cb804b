import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const pods = "/api/v1/namespaces/default/pods";

function send(method: string, path: string, body: unknown, type = "application/merge-patch+json") {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, {
    method,
    headers: { "content-type": type },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  sb = await t.newSandbox();
  const created = await send(
    "POST",
    pods,
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    },
    "application/json",
  );
  expect(created.status).toBe(201);
});

describe("writes through pods/status, validated as ValidatePodStatusUpdate does", () => {
  it("refuses a nominated node that is no node name, with the API server's message", async () => {
    const res = await send("PATCH", `${pods}/p/status`, { status: { nominatedNodeName: "Not_A_Node" } });
    expect(res.status).toBe(422);
    const status = (await res.json()) as { message: string; details: { causes: { field: string }[] } };
    expect(status.message).toBe(
      `Pod "p" is invalid: status.nominatedNodeName: Invalid value: "Not_A_Node": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(status.details.causes.map((c) => c.field)).toEqual(["status.nominatedNodeName"]);
    const ok = await send("PATCH", `${pods}/p/status`, { status: { nominatedNodeName: "node-2" } });
    expect(ok.status).toBe(200);
  });

  it("leaves the stored spec unvalidated: a status write goes through where a spec write is refused", async () => {
    // A spec today's checks refuse (an image left empty), as an object stored by an older
    // server could hold: the status endpoint never looks at it, the main endpoint does.
    await t.database.sql`
      UPDATE objects SET body = jsonb_set(body, '{spec,containers,0,image}', '""')
      WHERE sandbox_id = ${sb.sandboxId} AND resource = 'pods' AND name = 'p'`;
    const status = await send("PATCH", `${pods}/p/status`, {
      status: { conditions: [{ type: "Checked", status: "True" }] },
    });
    expect(status.status, await status.clone().text()).toBe(200);
    const label = await send("PATCH", `${pods}/p`, { metadata: { labels: { a: "b" } } });
    expect(label.status).toBe(422);
    expect(((await label.json()) as { message: string }).message).toContain(
      "spec.containers[0].image: Required value",
    );
  });
});
