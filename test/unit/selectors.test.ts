import { describe, expect, it } from "vitest";
import { StatusError } from "../../kube/errors.ts";
import { labelsMatch, parseFieldSelector, parseLabelSelector } from "../../kube/selectors/parse.ts";

const pod = { project: "lambert", environment: "staging", tier: "frontend" };

describe("label selectors", () => {
  it.each([
    ["", true],
    ["project=lambert", true],
    ["project==lambert", true],
    ["project!=lambert", false],
    ["project=other", false],
    ["missing!=x", true],
    ["environment in (production, staging)", true],
    ["environment notin (production,qa)", true],
    ["environment notin (staging)", false],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["project=lambert,tier=frontend", true],
    ["project=lambert,tier=backend", false],
  ])("%s matches: %s", (selector, expected) => {
    expect(labelsMatch(parseLabelSelector(selector), pod)).toBe(expected);
  });

  it("rejects malformed selectors with a 400", () => {
    expect(() => parseLabelSelector("a=b,,")).toThrow(StatusError);
    expect(() => parseLabelSelector("a b c")).toThrow(StatusError);
  });

  it("parses field selectors", () => {
    expect(parseFieldSelector("metadata.name=x,status.phase!=Running")).toEqual([
      { field: "metadata.name", op: "eq", value: "x" },
      { field: "status.phase", op: "neq", value: "Running" },
    ]);
    expect(() => parseFieldSelector("nonsense")).toThrow(StatusError);
  });
});
