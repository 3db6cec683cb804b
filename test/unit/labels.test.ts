import { describe, expect, it } from "vitest";
import {
  labelValueProblems,
  qualifiedNameProblems,
  validateAnnotations,
  validateLabels,
} from "../../kube/meta/labels.ts";

describe("label keys and values", () => {
  it.each(["app", "app.kubernetes.io/name", "example.com/MyName", "a_b.c-d", "x".repeat(63)])(
    "key %s is valid",
    (k) => {
      expect(qualifiedNameProblems(k)).toEqual([]);
    },
  );

  it("words bad keys as the API server does", () => {
    expect(qualifiedNameProblems("-bad")).toEqual([
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    expect(qualifiedNameProblems("x".repeat(64))).toContain("name part must be no more than 63 characters");
    expect(qualifiedNameProblems("/x")).toEqual(["prefix part must be non-empty"]);
    expect(qualifiedNameProblems("Bad_Prefix/x")[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(qualifiedNameProblems("a/b/c")[0]).toMatch(/^a qualified name must consist of/);
  });

  it("allows empty values and refuses bad ones", () => {
    expect(labelValueProblems("")).toEqual([]);
    expect(labelValueProblems("production")).toEqual([]);
    expect(labelValueProblems("has space")[0]).toMatch(
      /^a valid label must be an empty string or consist of/,
    );
    expect(labelValueProblems("v".repeat(64))).toContain("must be no more than 63 characters");
  });

  it("reports each problem at metadata.labels", () => {
    const errors = validateLabels({ "-k": "ok", ok: "bad value" }, "metadata.labels");
    expect(errors.map((e) => e.field)).toEqual(["metadata.labels", "metadata.labels"]);
    expect(errors[1]?.body).toMatch(/^Invalid value: "bad value": a valid label/);
  });

  it("limits annotations to 256 KiB in all", () => {
    expect(validateAnnotations({ a: "x".repeat(256 * 1024 - 1) }, "metadata.annotations")).toEqual([]);
    const [err] = validateAnnotations({ a: "x".repeat(256 * 1024) }, "metadata.annotations");
    expect(err).toEqual({
      type: "FieldValueTooLong",
      field: "metadata.annotations",
      body: "Too long: may not be more than 262144 bytes",
    });
  });
});
