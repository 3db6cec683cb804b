import { describe, expect, it } from "vitest";
import type { PodTemplateSpec } from "../../../kube/types/core-v1.ts";
import { computeHash, fnv32a, safeEncode } from "../../../workers/deployment/hash.ts";
import { equalIgnoreHash } from "../../../workers/deployment/template.ts";

/** A template as a Go client sends it back: with `creationTimestamp: null`, which the generated type has no room for. */
const template: PodTemplateSpec = {
  metadata: { labels: { app: "web" }, creationTimestamp: null as any },
  spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }], restartPolicy: "Always" },
};

describe("FNV-32a and the safe encoding", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("hashes %j as the reference vectors say", (input, want) => {
    expect(fnv32a(new TextEncoder().encode(input))).toBe(want);
  });

  it("maps digits into the vowel-free alphabet as rand.SafeEncodeString does", () => {
    // '0' is 48: 48 % 27 = 21 → '4'; '9' is 57: 57 % 27 = 3 → 'f'.
    expect(safeEncode("0123456789")).toBe("456789bcdf");
  });
});

describe("the pod-template-hash", () => {
  it("is stable for a template", () => {
    expect(computeHash(template)).toBe(computeHash(structuredClone(template)));
    expect(computeHash(template)).toBe("5b95784799");
  });

  it("is made of the safe alphabet, at most 10 characters", () => {
    for (const image of ["nginx", "nginx:1.25", "busybox", "redis:7"]) {
      const h = computeHash({ ...template, spec: { containers: [{ name: "c", image }] } });
      expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    }
  });

  it("changes with the template and with the collision count", () => {
    const other = { ...template, spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] } };
    const hashes = new Set([
      computeHash(template),
      computeHash(other),
      computeHash(template, 1),
      computeHash(template, 2),
    ]);
    expect(hashes.size).toBe(4);
    expect(computeHash(template, 0)).not.toBe(computeHash(template));
  });

  it("ignores what Go's semantic equality ignores: key order, null, empty lists and objects", () => {
    const same: PodTemplateSpec = {
      spec: { restartPolicy: "Always", containers: [{ image: "nginx", name: "nginx" }], volumes: [] },
      metadata: { labels: { app: "web" } },
    };
    expect(computeHash(same)).toBe(computeHash(template));
    expect(equalIgnoreHash(same, template)).toBe(true);
  });

  it("compares templates ignoring only the pod-template-hash label", () => {
    const labelled = structuredClone(template) as any;
    labelled.metadata.labels["pod-template-hash"] = "abc";
    expect(equalIgnoreHash(labelled, template)).toBe(true);
    labelled.metadata.labels.tier = "fe";
    expect(equalIgnoreHash(labelled, template)).toBe(false);
  });
});
