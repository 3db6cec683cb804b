import { describe, expect, it } from "vitest";
import { alreadyExists, conflict, invalid, invalidValue, notFound, required } from "../../kube/errors.ts";

describe("Status errors carry the API server's words", () => {
  it("NotFound", () => {
    expect(notFound("", "pods", "x").toStatus()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "x" not found',
      reason: "NotFound",
      details: { name: "x", kind: "pods" },
      code: 404,
    });
    expect(notFound("apps", "deployments", "d").message).toBe('deployments.apps "d" not found');
  });

  it("AlreadyExists and Conflict", () => {
    expect(alreadyExists("", "namespaces", "a").message).toBe('namespaces "a" already exists');
    expect(conflict("", "namespaces", "a").message).toBe(
      'Operation cannot be fulfilled on namespaces "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("Invalid aggregates one or many causes", () => {
    const one = invalid("", "Namespace", "Bad", [invalidValue("metadata.name", "Bad", "nope")]);
    expect(one.code).toBe(422);
    expect(one.message).toBe('Namespace "Bad" is invalid: metadata.name: Invalid value: "Bad": nope');
    const two = invalid("", "Pod", "p", [
      required("spec.containers"),
      invalidValue("metadata.name", "p", "x"),
    ]);
    expect(two.message).toBe(
      'Pod "p" is invalid: [spec.containers: Required value, metadata.name: Invalid value: "p": x]',
    );
    expect(two.details?.causes).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.containers" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "p": x', field: "metadata.name" },
    ]);
  });
});
