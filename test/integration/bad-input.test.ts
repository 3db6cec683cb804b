import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { kinds } from "../../kube/kinds/index.ts";
import { apiVersionOf, type Kind } from "../../kube/kinds/kind.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;

beforeAll(async () => {
  sb = await t.newSandbox("fuzz");
});

function collection(kind: Kind): string {
  const prefix = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return kind.namespaced ? `${prefix}/namespaces/default/${kind.resource}` : `${prefix}/${kind.resource}`;
}

async function revision(): Promise<number> {
  const [row] = await t.database.sql<
    { revision: string }[]
  >`SELECT revision FROM sandboxes WHERE id = ${sb.sandboxId}`;
  return Number(row?.revision);
}

// Any JSON at all in the places a manifest has structure: wrong types, nulls, deep nesting.
const anyJson = fc.jsonValue({ maxDepth: 4 });
const manifest = (kind: Kind) =>
  fc.record(
    {
      apiVersion: fc.oneof(fc.constant(apiVersionOf(kind)), anyJson),
      kind: fc.oneof(fc.constant(kind.kind), anyJson),
      metadata: fc.oneof(
        fc.record(
          { name: fc.oneof(fc.string({ maxLength: 70 }), anyJson), labels: anyJson, annotations: anyJson },
          { requiredKeys: [] },
        ),
        anyJson,
      ),
      spec: anyJson,
      status: anyJson,
      data: anyJson,
    },
    { requiredKeys: [] },
  );

describe("bad input never becomes a 500 and never half-stores", () => {
  it.each(kinds.map((k) => [k.resource, k] as const))("%s", async (_name, kind) => {
    await fc.assert(
      fc.asyncProperty(manifest(kind), async (body) => {
        const before = await revision();
        const res = await t.kube(sb.sandboxId, sb.sandboxToken, collection(kind), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status).not.toBe(500);
        const answer = await res.json();
        if (res.status >= 400) {
          expect(answer).toMatchObject({ kind: "Status", status: "Failure", code: res.status });
          expect(await revision()).toBe(before);
        } else {
          expect(res.status).toBe(201);
          expect(answer.metadata.uid).toBeTruthy();
        }
      }),
      { numRuns: 60 },
    );
  });
});
