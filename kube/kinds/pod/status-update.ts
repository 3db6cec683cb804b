import { type FieldError, invalidValue } from "../../errors.ts";
import { dns1123SubdomainProblems } from "../../meta/names.ts";
import type { KubeObject } from "../../object.ts";
import type { Pod } from "../../types/core-v1.ts";

/**
 * ValidatePodStatusUpdate, past the metadata: a write through pods/status carries the stored
 * spec (the status strategy resets it), so the spec is not validated again; a nominated node
 * newly named must be a valid node name.
 */
export function validatePodStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const nominated = (obj as Pod).status?.nominatedNodeName ?? "";
  if (!nominated || nominated === ((old as Pod).status?.nominatedNodeName ?? "")) return [];
  return dns1123SubdomainProblems(nominated).map((problem) =>
    invalidValue("status.nominatedNodeName", nominated, problem),
  );
}
