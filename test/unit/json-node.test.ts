import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeToValue, parseJsonNodes } from "../../kube/decode/json-node.ts";

describe("parseJsonNodes", () => {
  it("reads every string JSON can hold, escapes included, as JSON.parse does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        const json = JSON.stringify({ value, text: `${text}\\"\n\u0000` });
        expect(nodeToValue(parseJsonNodes(json))).toEqual(JSON.parse(json));
      }),
    );
  });

  it("keeps a __proto__ key as an own property, as JSON.parse does", () => {
    const json = '{"__proto__":{"polluted":1},"a":{"__proto__":0}}';
    const value = nodeToValue(parseJsonNodes(json)) as Record<string, unknown>;
    expect(value).toEqual(JSON.parse(json));
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads a 3 MiB string in one token (a merge patch at the body limit)", () => {
    const json = JSON.stringify({ data: { x: "y".repeat(3 * 1024 * 1024 - 100) } });
    expect(nodeToValue(parseJsonNodes(json))).toEqual(JSON.parse(json));
  });
});
