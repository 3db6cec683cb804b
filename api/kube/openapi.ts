import { createHash } from "node:crypto";
import { kinds } from "../../kube/kinds/index.ts";
import type { OpenApiDocuments } from "../../kube/openapi/documents.ts";
import { reviewResources } from "../../kube/reviews/resources.ts";

/**
 * The OpenAPI documents, as kube-apiserver serves them: /openapi/v2 (Swagger 2.0, in JSON or as
 * gnostic's protobuf, which kubectl up to 1.28 reads for client-side apply, validation and
 * `explain`) and /openapi/v3 (an index, then one document per group version, which kubectl 1.27
 * and later read). Built once, on first use, from the generated definitions (kube/openapi/),
 * which are loaded then too: a process that is never asked (a worker, most requests of a warm
 * service) never parses them. The first request costs ~0.1 s; the protobuf form is encoded on
 * the first request for it (~0.15 s more).
 */
interface Served {
  docs: OpenApiDocuments;
  v2Json: string;
  v2Etag: string;
  v3Json: Map<string, { body: string; hash: string }>;
}

let served: Promise<Served> | undefined;
let v2Protobuf: Promise<Uint8Array<ArrayBuffer>> | undefined;

const hashOf = (bytes: string | Uint8Array) => createHash("sha512").update(bytes).digest("hex").toUpperCase();

function documents(): Promise<Served> {
  served ??= import("../../kube/openapi/documents.ts").then(({ openApiDocuments }) => {
    const docs = openApiDocuments([...kinds, ...reviewResources]);
    const v2Json = JSON.stringify(docs.v2);
    const v3Json = new Map(
      [...docs.v3].map(([gv, doc]) => {
        const body = JSON.stringify(doc);
        return [gv, { body, hash: hashOf(body).slice(0, 128) }];
      }),
    );
    return { docs, v2Json, v2Etag: `"${hashOf(v2Json)}"`, v3Json };
  });
  return served;
}

function protobufDocument(): Promise<Uint8Array<ArrayBuffer>> {
  v2Protobuf ??= Promise.all([documents(), import("../../kube/openapi/gnostic.ts")]).then(
    ([{ docs }, { gnosticDocument }]) => new Uint8Array(gnosticDocument(docs.v2)),
  );
  return v2Protobuf;
}

/** The protobuf form's media type, as the API server names it in Content-Type. */
const protobufV2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
/** The spellings of it an Accept header may use ('@' is the older one, kubectl's). */
const protobufV2Subtypes = [
  "com.github.proto-openapi.spec.v2@v1.0+protobuf",
  "com.github.proto-openapi.spec.v2.v1.0+protobuf",
];

/**
 * The form an Accept header asks for, as kube-openapi's handler picks it: the clauses by
 * quality, the first that JSON or the protobuf form matches; null when none does (406).
 */
function negotiateV2(accept: string): "json" | "protobuf" | null {
  const clauses = (accept || "*/*")
    .split(",")
    .map((part, index) => {
      const [type = "", ...params] = part.split(";").map((p) => p.trim());
      const q = Number(params.find((p) => p.startsWith("q="))?.slice(2) ?? 1);
      const [main = "", sub = ""] = type.split("/");
      return { main, sub, q: Number.isNaN(q) ? 0 : q, index };
    })
    .filter((c) => c.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { main, sub } of clauses) {
    if (main !== "application" && main !== "*") continue;
    if (sub === "json" || sub === "*") return "json";
    if (protobufV2Subtypes.includes(sub)) return "protobuf";
  }
  return null;
}

/** GET /openapi/v2 (and /swagger-2.0.0.pb-v1, its older name): JSON, or protobuf when asked. */
export async function openapiV2(req: Request): Promise<Response> {
  const { v2Json, v2Etag } = await documents();
  const form = negotiateV2(req.headers.get("accept") ?? "");
  if (!form) return new Response(null, { status: 406, headers: { vary: "Accept" } });
  const headers = { etag: v2Etag, vary: "Accept" };
  if (req.headers.get("if-none-match") === v2Etag) return new Response(null, { status: 304, headers });
  if (form === "protobuf")
    return new Response(await protobufDocument(), { headers: { ...headers, "content-type": protobufV2 } });
  return new Response(v2Json, { headers: { ...headers, "content-type": "application/json" } });
}

/** The /openapi/v3 path of a group version: "api/v1", "apis/apps/v1". */
const v3Key = (gv: string) => (gv.includes("/") ? `apis/${gv}` : `api/${gv}`);

/** GET /openapi/v3: where each group version's document is. */
export async function openapiV3Index(): Promise<Record<string, unknown>> {
  const paths: Record<string, unknown> = {};
  for (const [gv, { hash }] of (await documents()).v3Json)
    paths[v3Key(gv)] = { serverRelativeURL: `/openapi/v3/${v3Key(gv)}?hash=${hash}` };
  return { paths };
}

/**
 * GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; null for a group version not
 * served. Asked for with the current hash, the answer may be cached for good, as the API
 * server's is.
 */
export async function openapiV3Document(groupVersion: string, url: URL): Promise<Response | null> {
  const found = (await documents()).v3Json.get(groupVersion);
  if (!found) return null;
  const immutable = url.searchParams.get("hash") === found.hash;
  return new Response(found.body, {
    headers: {
      "content-type": "application/json",
      etag: `"${found.hash}"`,
      "cache-control": immutable ? "public, immutable" : "no-cache, private",
    },
  });
}
