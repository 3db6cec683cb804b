import { StatusError } from "../errors.ts";
import { parseManagerId } from "./entries.ts";
import { type Path, pathString } from "./path.ts";

/** A field an apply would change that another manager owns. */
export interface Conflict {
  /** The other manager's identifier (managerId). */
  managerId: string;
  path: Path;
}

/** Thrown inside the field manager when an apply has conflicts; becomes a 409 at its edge. */
export class ApplyConflicts extends Error {
  readonly conflicts: Conflict[];
  constructor(conflicts: Conflict[]) {
    super("apply conflicts");
    this.conflicts = conflicts;
  }
}

/** A manager as conflict messages name it: `"kubectl-label" using v1`, `"kubectl"`, with its subresource. */
export function printManager(id: string): string {
  let info: ReturnType<typeof parseManagerId>;
  try {
    info = parseManagerId(id);
  } catch {
    return JSON.stringify(id);
  }
  let out = JSON.stringify(info.manager ?? "");
  if (info.subresource) out += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === "Update") out += ` using ${info.apiVersion ?? ""}`;
  return out;
}

/**
 * The 409 Conflict the API server answers an apply with (NewConflictError): one cause per
 * conflicting field, and a message listing them by manager.
 */
export function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${printManager(c.managerId)}`,
    field: pathString(c.path),
  }));
  let message: string;
  const [only] = conflicts;
  if (conflicts.length === 1 && only)
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.managerId)}: ${pathString(only.path)}`;
  else {
    const lines: string[] = [];
    for (const id of [...new Set(conflicts.map((c) => c.managerId))].sort()) {
      lines.push(`conflicts with ${printManager(id)}:`);
      for (const c of conflicts) if (c.managerId === id) lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new StatusError(409, "Conflict", message, { causes });
}
