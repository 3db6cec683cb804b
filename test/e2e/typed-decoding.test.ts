import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("decoding");
const k = cluster.kubectl;

/** A pod manifest with a misspelled container field. */
const misspelled = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: web
    image: nginx
    imagee: nginx:1.27
`;

describe("kubectl and the server's field validation", () => {
  it("refuses a misspelled field on create, with the API server's words", async () => {
    const file = join(cluster.service.dataDir, "f.yaml");
    await writeFile(file, misspelled("typo"));
    const r = await k("create", "-f", file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"`,
    );
    expect((await k("get", "pod", "typo")).code).toBe(1);
  });

  it("creates it with --validate=warn, printing the warning", async () => {
    const file = join(cluster.service.dataDir, "warn.yaml");
    await writeFile(file, misspelled("typo-warn"));
    const r = await k("create", "--validate=warn", "-f", file);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('Warning: unknown field "spec.containers[0].imagee"');
    expect(r.stdout.trim()).toBe("pod/typo-warn created");
    const got = await k("get", "pod", "typo-warn", "-o", "jsonpath={.spec.containers[0]}");
    expect(JSON.parse(got.stdout)).not.toHaveProperty("imagee");
  });
});

describe('a "__proto__" key, which is a valid ConfigMap key', () => {
  /** The ConfigMap's data, read as kubectl prints it: JSON.parse keeps "__proto__" as an own key. */
  const dataOf = async (name: string) =>
    Object.entries(
      JSON.parse((await k("get", "configmap", name, "-o", "jsonpath={.data}")).stdout) as object,
    );

  it("is stored and served on create, and through merge and strategic patches (as are constructor and hasOwnProperty keys), in Go's sorted order", async () => {
    const file = join(cluster.service.dataDir, "proto.json");
    await writeFile(
      file,
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto"},"data":{"__proto__":"a"}}',
    );
    const created = await k("create", "-f", file);
    expect(created.stderr).toBe("");
    expect(created.stdout.trim()).toBe("configmap/proto created");
    expect(await dataOf("proto")).toEqual([["__proto__", "a"]]);

    const patches = [
      [
        "merge",
        '{"data":{"__proto__":"b","x":"1"}}',
        [
          ["__proto__", "b"],
          ["x", "1"],
        ],
      ],
      [
        "strategic",
        '{"data":{"__proto__":"c"}}',
        [
          ["__proto__", "c"],
          ["x", "1"],
        ],
      ],
      [
        "merge",
        '{"data":{"constructor":"d","toString":null,"hasOwnProperty":"e"}}',
        [
          ["__proto__", "c"],
          ["constructor", "d"],
          ["hasOwnProperty", "e"],
          ["x", "1"],
        ],
      ],
    ] as const;
    for (const [type, patch, want] of patches) {
      const r = await k("patch", "configmap", "proto", "--type", type, "-p", patch);
      expect(r.stderr).toBe("");
      expect(await dataOf("proto")).toEqual(want);
    }
  });

  it("is refused in a JSON patch's path (fast-json-patch bans it), nothing changed", async () => {
    const r = await k(
      "patch",
      "configmap",
      "proto",
      "--type",
      "json",
      "-p",
      '[{"op":"replace","path":"/data/__proto__","value":"z"}]',
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "The request is invalid: the server rejected our request due to an error in our request",
    );
    expect((await dataOf("proto"))[0]).toEqual(["__proto__", "c"]);
  });
});
