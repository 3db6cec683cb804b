import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../kube/object.ts";
import { applyMergePatch } from "../../kube/patch/patch.ts";

const apply = (target: unknown, patch: unknown) => applyMergePatch(target as KubeObject, patch);

describe("applyMergePatch (RFC 7386)", () => {
  // The RFC's appendix A, less the cases whose patch is not an object (the API server refuses those).
  const cases: [string, string, string][] = [
    ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
    ['{"a":"b"}', '{"a":null}', "{}"],
    ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
    ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
    ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
    ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
    ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
    ["{}", '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
  ];
  it.each(cases)("%s patched by %s is %s", (target, patch, want) => {
    expect(apply(JSON.parse(target), JSON.parse(patch))).toEqual(JSON.parse(want));
  });

  it("merges keys that name Object.prototype's members as any other, keeping the rest of the map", () => {
    const target = JSON.parse('{"data":{"__proto__":"a","keep":"k"}}');
    const patch = JSON.parse(
      '{"data":{"__proto__":{"x":1},"constructor":"c","toString":null,"hasOwnProperty":"h","y":"2"}}',
    );
    const out = apply(target, patch) as { data: Record<string, unknown> };
    expect(Object.keys(out.data)).toEqual(["__proto__", "keep", "constructor", "hasOwnProperty", "y"]);
    expect(Object.getOwnPropertyDescriptor(out.data, "__proto__")?.value).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(out.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("leaves the object it was given as it was", () => {
    const target = { metadata: { name: "a", labels: { x: "1" } } };
    apply(target, { metadata: { labels: { x: null } } });
    expect(target.metadata.labels).toEqual({ x: "1" });
  });
});
