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
