import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testCluster } from "../support/cluster.ts";

// DeleteOptions as the API server reads them: the body decoded into metav1.DeleteOptions (its
// decoder's message in a 400, as kube-apiserver answers since 1.35), or without a body the query
// parameters (strconv's message in a 400); a policy it does not know is a 422. Never a 500.
const c = testCluster("delete-options");
const configMaps = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const typeMeta =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
const unsupportedPolicy =
  'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"';

/** A DELETE with a raw body (or none): the status and the parsed answer. */
async function del(path: string, body?: string): Promise<{ status: number; answer: any }> {
  const res = await c.kube(path, {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, answer: await res.json() };
}

describe("DeleteOptions the API server refuses", () => {
  const refused: { name: string; query?: string; body?: string; code: number; message: string }[] = [
    {
      name: "a number",
      body: "5",
      code: 400,
      message: `couldn't get version/kind; json parse error: json: cannot unmarshal number into Go value of type ${typeMeta}`,
    },
    {
      name: "an array",
      body: "[]",
      code: 400,
      message: `couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type ${typeMeta}`,
    },
    {
      name: "a kind that is not a string",
      body: '{"kind":5}',
      code: 400,
      message:
        "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string",
    },
    {
      name: "JSON cut short",
      body: '{"gracePeriodSeconds":',
      code: 400,
      message: "couldn't get version/kind; json parse error: unexpected end of JSON input",
    },
    {
      name: "gracePeriodSeconds as a string",
      body: '{"gracePeriodSeconds":"x"}',
      code: 400,
      message:
        "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64",
    },
    {
      name: "gracePeriodSeconds with a fraction",
      body: '{"gracePeriodSeconds":1.5}',
      code: 400,
      message:
        "json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64",
    },
    {
      name: "propagationPolicy as a number",
      body: '{"propagationPolicy":7}',
      code: 400,
      message:
        "json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation",
    },
    {
      name: "preconditions as a string",
      body: '{"preconditions":"x"}',
      code: 400,
      message:
        "json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions",
    },
    {
      name: "dryRun as a string",
      body: '{"dryRun":"All"}',
      code: 400,
      message: "json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string",
    },
    {
      name: "a policy it does not know",
      body: '{"propagationPolicy":"Sideways"}',
      code: 422,
      message: unsupportedPolicy,
    },
    {
      name: "both orphanDependents and a policy",
      body: '{"orphanDependents":true,"propagationPolicy":"Orphan"}',
      code: 422,
      message:
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
    },
    {
      name: "?gracePeriodSeconds that is not a number",
      query: "?gracePeriodSeconds=x",
      code: 400,
      message: 'strconv.ParseInt: parsing "x": invalid syntax',
    },
    {
      name: "?gracePeriodSeconds past int64",
      query: "?gracePeriodSeconds=99999999999999999999",
      code: 400,
      message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    },
    {
      name: "?propagationPolicy it does not know",
      query: "?propagationPolicy=Sideways",
      code: 422,
      message: unsupportedPolicy,
    },
  ];

  it.each(refused)("$name: $code, and nothing deleted", async ({ query = "", body, code, message }) => {
    const ns = await c.namespace();
    await c.create(configMaps(ns), { metadata: { name: "one" } });
    await c.create(configMaps(ns), { metadata: { name: "two" } });
    for (const path of [`${configMaps(ns)}/one${query}`, `${configMaps(ns)}${query}`]) {
      const { status, answer } = await del(path, body);
      expect(status, JSON.stringify(answer)).toBe(code);
      expect(answer).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: code === 400 ? "BadRequest" : "Invalid",
        code,
        message,
      });
    }
    const left = await c.json(c.kube(configMaps(ns)), 200);
    expect(left.items.map((cm: any) => cm.metadata.name)).toEqual(["one", "two"]);
  });
});

describe("DeleteOptions the API server takes", () => {
  it.each([
    { name: "a null body, as empty options", body: "null" },
    {
      name: "fields it does not know, and the body's own type meta",
      body: '{"kind":"DeleteOptions","apiVersion":"v1","x":1}',
    },
    { name: "a body, the query then ignored", body: "{}", query: "?gracePeriodSeconds=x" },
  ])("$name", async ({ body, query = "" }) => {
    const ns = await c.namespace();
    await c.create(configMaps(ns), { metadata: { name: "one" } });
    const { status, answer } = await del(`${configMaps(ns)}/one${query}`, body);
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(await c.get(`${configMaps(ns)}/one`)).toBeNull();
  });

  it("keeps an orphaned object's dependents, as orphanDependents: true asks", async () => {
    const ns = await c.namespace();
    const rs = await c.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      metadata: { name: "rs", finalizers: ["example.com/hold"] },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "a" } },
        template: {
          metadata: { labels: { app: "a" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    const { status, answer } = await del(
      `/apis/apps/v1/namespaces/${ns}/replicasets/${rs.metadata.name}`,
      '{"orphanDependents":true}',
    );
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer.metadata.finalizers).toEqual(["example.com/hold", "orphan"]);
  });
});

describe("any DELETE body", () => {
  it("is answered with a Status or the deleted object, never a 500", async () => {
    const ns = await c.namespace();
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const options = fc.record(
      {
        gracePeriodSeconds: anyJson,
        propagationPolicy: fc.oneof(fc.constantFrom("Foreground", "Background", "Orphan"), anyJson),
        orphanDependents: anyJson,
        preconditions: fc.oneof(fc.record({ uid: anyJson, resourceVersion: anyJson }), anyJson),
        dryRun: fc.oneof(fc.constant(["All"]), anyJson),
        kind: anyJson,
        apiVersion: anyJson,
      },
      { requiredKeys: [] },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(options, anyJson), async (body) => {
        const name = `cm-${++n}`;
        await c.create(configMaps(ns), { metadata: { name } });
        const { status, answer } = await del(`${configMaps(ns)}/${name}`, JSON.stringify(body));
        expect(status, JSON.stringify({ body, answer })).toBeLessThan(500);
        if (status >= 400) expect(answer).toMatchObject({ kind: "Status", status: "Failure", code: status });
      }),
      { numRuns: 60 },
    );
  });
});
