import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clone } from "../../kube/object.ts";

describe("clone", () => {
  it("copies any JSON value deeply, as JSON.parse of its text would give it", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = clone(value);
        expect(copy).toStrictEqual(value);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      }),
    );
  });

  it("shares nothing with what it copied", () => {
    const pod = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "a", ports: [{ p: 80 }] }] },
    };
    const copy = clone(pod);
    copy.metadata.labels.app = "db";
    copy.spec.containers[0]?.ports.push({ p: 81 });
    expect(pod).toEqual({
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "a", ports: [{ p: 80 }] }] },
    });
  });

  it("keeps a __proto__ key as an own property, and a key set to undefined", () => {
    const value = JSON.parse('{"data":{"__proto__":{"polluted":1},"b":"c"}}') as {
      data: Record<string, unknown>;
    };
    value.data.gone = undefined;
    const copy = clone(value);
    expect(Object.keys(copy.data)).toEqual(["__proto__", "b", "gone"]);
    expect(Object.getPrototypeOf(copy.data)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy.data, "__proto__")?.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
