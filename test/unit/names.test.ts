import { describe, expect, it } from "vitest";
import { dns1123LabelProblems, dns1123SubdomainProblems, validateName } from "../../kube/meta/names.ts";

describe("DNS-1123 names", () => {
  it.each([
    ["a", []],
    ["my-name", []],
    ["123-abc", []],
    ["a".repeat(63), []],
  ])("label %s is valid", (name, problems) => {
    expect(dns1123LabelProblems(name)).toEqual(problems);
  });

  it("words a bad label as apimachinery does", () => {
    expect(dns1123LabelProblems("Bad_Name")).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it("reports length and dots separately", () => {
    expect(dns1123LabelProblems("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
    expect(dns1123LabelProblems("a.b")).toEqual(["must not contain dots"]);
  });

  it("allows dots in subdomains up to 253 characters", () => {
    expect(dns1123SubdomainProblems("example.com")).toEqual([]);
    expect(dns1123SubdomainProblems(`${"a.".repeat(126)}ab`)).toEqual([
      "must be no more than 253 characters",
    ]);
    expect(dns1123SubdomainProblems("-x")[0]).toContain("a lowercase RFC 1123 subdomain must consist of");
  });

  it("turns problems into metadata.name field errors", () => {
    const [err] = validateName("Bad_Name", "dns1123Label");
    expect(err?.field).toBe("metadata.name");
    expect(err?.body).toMatch(/^Invalid value: "Bad_Name": a lowercase RFC 1123 label/);
    expect(validateName("..", "dns1123Subdomain")[0]?.body).toBe(`Invalid value: "..": may not be '..'`);
  });
});
