import type { IncludeObject } from "../../kube/printing/table.ts";

/** Whether the client asked for a server-side printed Table (`Accept: ...;as=Table;...`). */
export function wantsTable(req: Request): boolean {
  const accept = req.headers.get("accept") ?? "";
  return accept.split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return params.includes("as=Table") && params.includes("g=meta.k8s.io");
  });
}

/** The `includeObject` query parameter (Metadata unless told otherwise). */
export function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

/** Whether `dryRun=All` was asked for. */
export function isDryRun(url: URL): boolean {
  return url.searchParams.getAll("dryRun").includes("All");
}

/** A boolean query parameter as Go's strconv.ParseBool reads it ("1", "t", "true", "True", …). */
export function queryBool(url: URL, name: string): boolean {
  return ["1", "t", "T", "true", "TRUE", "True"].includes(url.searchParams.get(name) ?? "");
}
