import { describe, expect, it } from "vitest";
import { decodeBase64 } from "../../kube/go/base64.ts";

describe("Go's base64.StdEncoding", () => {
  it.each([
    ["aGVsbG8=", "hello"],
    ["aGVsbG8h", "hello!"],
    ["aGk=\n", "hi"],
    ["aA==", "h"],
    ["", ""],
  ])("decodes %j", (text, plain) => {
    const r = decodeBase64(text);
    expect(r.ok && r.bytes.toString()).toBe(plain);
  });

  it.each([
    ["e!==", 1],
    ["abc", 0],
    ["a===", 1],
    ["aA=", 3],
    ["aA==x", 4],
  ])("refuses %j at input byte %i", (text, offset) => {
    expect(decodeBase64(text)).toEqual({ ok: false, offset });
  });
});

describe("Go's base64 offsets (as encoding/json reports them)", () => {
  const cases: [string, number | null][] = [
    ["YWJj", null],
    ["YWI=", null],
    ["YQ==", null],
    ["YW\nJj", null],
    ["", null],
    ["YWJ", 0],
    ["YWJjZA", 4],
    ["YW!j", 2],
    ["Y===", 1],
    ["YQ=", 3],
    ["YQ==x", 4],
    ["YWJj=", 4],
  ];
  it.each(cases)("%j → %s", (input, offset) => {
    const r = decodeBase64(input);
    expect(r.ok ? null : r.offset).toBe(offset);
  });
});
