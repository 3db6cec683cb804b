/**
 * Decoding a write's object into its kind's type, as the API server's handlers do it: what a body
 * or a patch result may contain, the messages and status codes of what it may not, and what the
 * fieldValidation directive makes of unknown and duplicate fields.
 */
import { badRequest, StatusError } from "../errors.ts";
import { goQuote, goSprintV } from "../go/format.ts";
import { goJson } from "../go/json-marshal.ts";
import { apiVersionOf, type Kind } from "../kinds/kind.ts";
import { type Dialect, typecheck } from "./go-json-decoder.ts";
import { anyType, type GoType, kindType, openKindType } from "./go-model.ts";
import { DepthError, type JsonNode, nodesOf, withinStack } from "./json-node.ts";

/** The fieldValidation query parameter: what unknown and duplicate fields do to a write. */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** How a write decodes its object. */
export interface DecodeOptions {
  /** Absent means Warn, the API server's default since 1.27. */
  fieldValidation?: FieldValidation;
  /** Collects the warnings the response sends back as `Warning` headers. */
  warnings?: string[];
  /**
   * The JSON text the decoded value was parsed from (a JsonBody's text), when it is a request body as
   * sent: duplicate keys and number literals are then decoded as the client wrote them.
   */
  sourceText?: string;
  /**
   * For the result of a patch: its type and body (and the body's JSON text, for the patch's own
   * duplicate keys), which decide how failures are reported.
   */
  patch?: { type: "json" | "merge" | "strategic"; body: unknown; sourceText?: string };
}

/** A decoded object, before the store's own shape (KubeObject) is asserted on it. */
export type DecodedObject = Record<string, unknown>;

/**
 * Decodes a request body (or a patch result) into the kind's type: 400 for what a Go decoder would
 * refuse (422 for a patch result), unknown and duplicate fields by the fieldValidation directive.
 * Returns the object as the API server would hold it, unknown fields dropped.
 */
export function decodeTyped(kind: Kind, body: unknown, options: DecodeOptions = {}): DecodedObject {
  try {
    return decode(kind, body, options);
  } catch (err) {
    // Deeper than encoding/json goes (or than this process's stack): its syntax error.
    if (err instanceof DepthError)
      throw unrecognized(kind, `couldn't get version/kind; json parse error: ${err.message}`, body, options);
    throw err;
  }
}

function decode(kind: Kind, body: unknown, options: DecodeOptions): DecodedObject {
  const directive = options.fieldValidation ?? "Warn";
  const nodes = nodesOf(body, options.sourceText);
  const interpretError = interpretProblem(nodes);
  if (interpretError !== undefined) throw unrecognized(kind, interpretError, body, options);
  if (nodes.type === "object") checkTypeMeta(kind, nodes);
  const type = kindType(apiVersionOf(kind), kind.kind) ?? openKindType(kind.kind);
  const patch = options.patch;
  const dialect: Dialect = patch?.type === "strategic" ? "unstructured" : "json";
  const result = withinStack(() => typecheck(nodes, type, dialect));
  const strict =
    directive === "Ignore" ? [] : [...(patch ? patchBodyStrictErrors(patch) : []), ...result.strict];
  if (result.error !== undefined) throw decodeFailure(kind, result.error, options, body);
  if (strict.length && directive === "Strict")
    throw decodeFailure(kind, `strict decoding error: ${strict.join(", ")}`, options, body);
  for (const warning of strict) options.warnings?.push(warning);
  return result.value as DecodedObject;
}

/** The Go type SimpleMetaFactory.Interpret reads apiVersion and kind with, as reflect prints it. */
const typeMetaStruct =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * SimpleMetaFactory.Interpret, which every JSON body goes through first: the body must be an object
 * (or null) whose apiVersion and kind, when present, are strings, and whose apiVersion parses as a
 * group version. Returns the decoder's error, or undefined.
 */
export function interpretProblem(nodes: JsonNode): string | undefined {
  const parseError = (detail: string) => `couldn't get version/kind; json parse error: ${detail}`;
  if (nodes.type === "null") return undefined;
  if (nodes.type !== "object")
    return parseError(
      `json: cannot unmarshal ${nodes.type === "bool" ? "bool" : nodes.type} into Go value of type ${typeMetaStruct}`,
    );
  for (const [key, value] of nodes.entries)
    if ((key === "apiVersion" || key === "kind") && value.type !== "string" && value.type !== "null")
      return parseError(`json: cannot unmarshal ${value.type} into Go struct field .${key} of type string`);
  const apiVersion = nodes.entries.findLast(([key]) => key === "apiVersion")?.[1];
  if (apiVersion?.type === "string" && apiVersion.value.split("/").length > 2)
    return `unexpected GroupVersion string: ${apiVersion.value}`;
  return undefined;
}

/** The body's apiVersion and kind, when given, must name this endpoint's kind. */
function checkTypeMeta(kind: Kind, nodes: Extract<JsonNode, { type: "object" }>): void {
  const given = (key: string) => {
    const node = nodes.entries.findLast(([k]) => k === key)?.[1];
    return node?.type === "string" && node.value !== "" ? node.value : undefined;
  };
  const want = apiVersionOf(kind);
  const apiVersion = given("apiVersion");
  if (apiVersion !== undefined && apiVersion !== want)
    throw badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (${want})`,
    );
  const dataKind = given("kind");
  if (dataKind !== undefined && dataKind !== kind.kind)
    throw badRequest(`the kind in the data (${dataKind}) does not match the expected kind (${kind.kind})`);
}

/** transformDecodeError without a kind: the body and a summary of its first bytes. */
function unrecognized(kind: Kind, detail: string, body: unknown, options: DecodeOptions): StatusError {
  const text = options.sourceText ?? summaryText(body);
  const bytes = Buffer.from(text, "utf8");
  const head = bytes.subarray(0, 30);
  const more = bytes.length > 30 ? " ..." : "";
  const summary = !bytes.length
    ? "<empty>"
    : text.startsWith("{")
      ? `${head.toString("utf8")}${more}`
      : `${head.toString("hex")}${more}`;
  return badRequest(
    `the object provided is unrecognized (must be of type ${kind.kind}): ${detail} (${summary})`,
  );
}

/** A value's JSON for a summary of its first bytes; nested past the stack, its first bytes alone. */
function summaryText(body: unknown): string {
  try {
    return JSON.stringify(body) ?? "";
  } catch {
    let head = "";
    for (let v = body; head.length < 40 && typeof v === "object" && v !== null; ) {
      const [key, next] = Object.entries(v)[0] ?? [];
      if (key === undefined) break;
      head += Array.isArray(v) ? "[" : `{${JSON.stringify(key)}:`;
      v = next;
    }
    return head;
  }
}

/** A body that does not decode is a 400; a patch whose result does not, a 422 on the field "patch". */
function decodeFailure(kind: Kind, detail: string, options: DecodeOptions, patched: unknown): StatusError {
  const patch = options.patch;
  if (!patch)
    return badRequest(
      `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${detail}`,
    );
  // The API server quotes the patched object (JSON and merge patches) or the patch (strategic).
  // Not for a kind with secret fields: a patch may have put their values anywhere in the object.
  const quoted = kind.sensitiveFields
    ? secretRedacted
    : patch.type === "strategic"
      ? goSprintV(patch.body)
      : goJson(patched);
  const body = `Invalid value: ${goQuote(quoted)}: ${detail}`;
  return new StatusError(422, "Invalid", ` "" is invalid: patch: ${body}`, {
    causes: [{ reason: "FieldValueInvalid", message: body, field: "patch" }],
  });
}

/** What the API server writes where it would quote secret contents. */
const secretRedacted = "<secret contents redacted>";

/** A JSON patch as sigs.k8s.io/json decodes it ([]jsonPatchOp), for its strict errors. */
const jsonPatchOps: GoType = {
  kind: "slice",
  name: "[]handlers.jsonPatchOp",
  element: (() => {
    const fieldList = ["op", "path", "from", "value"].map((json, index) => ({
      json,
      type: json === "value" ? anyType : ({ kind: "string", name: "string" } as GoType),
      pointer: false,
      index,
    }));
    return {
      kind: "struct",
      name: "handlers.jsonPatchOp",
      fields: new Map(fieldList.map((f) => [f.json, f])),
      fieldList,
    };
  })(),
};

/** Duplicate keys in the patch itself (and, for a JSON patch, unknown fields of its operations). */
function patchBodyStrictErrors(patch: NonNullable<DecodeOptions["patch"]>): string[] {
  if (patch.sourceText === undefined) return [];
  const nodes = nodesOf(patch.body, patch.sourceText);
  if (patch.type !== "json") return typecheck(nodes, anyType, "json").strict;
  const result = typecheck(nodes, jsonPatchOps, "json");
  return result.error === undefined ? result.strict.map((e) => `json patch ${e}`) : [];
}
