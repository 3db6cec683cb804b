import protobuf from "protobufjs";
import { stringify } from "yaml";
import { encodeMessage } from "../protobuf/reflect-encode.ts";
import type { Schema } from "./definitions.ts";
import descriptor from "./gnostic-v2.json" with { type: "json" };

/**
 * The Swagger 2.0 document as gnostic's openapi_v2.Document in protobuf, what /openapi/v2 answers
 * to `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (kubectl 1.20 to 1.28
 * read it so). The JSON document is mapped field by field onto gnostic's messages, as gnostic's
 * compiler reads the JSON: vendor extensions and other free values become an Any holding YAML.
 */
export function gnosticDocument(doc: Schema): Uint8Array {
  // Encoded from the reflected type: protobufjs's generated encoder is refused by workerd.
  return encodeMessage(gnosticDocumentType(), gnosticMessage(doc));
}

/** gnostic's openapi.v2.Document message type. */
export function gnosticDocumentType(): protobuf.Type {
  return root().lookupType("openapi.v2.Document");
}

/** The document as the plain object of gnostic's Document message (field names as in its .proto). */
export function gnosticMessage(doc: Schema): Record<string, unknown> {
  return {
    swagger: doc.swagger,
    info: doc.info,
    paths: { path: named(doc.paths, pathItem) },
    definitions: { additional_properties: named(doc.definitions, schema) },
    security_definitions: {
      additional_properties: named(doc.securityDefinitions, (s) => ({ api_key_security: s })),
    },
    security: ((doc.security as Record<string, string[]>[] | undefined) ?? []).map((requirement) => ({
      additional_properties: Object.entries(requirement).map(([name, value]) => ({ name, value: { value } })),
    })),
  };
}

let loaded: protobuf.Root | undefined;
function root(): protobuf.Root {
  const { $comment: _comment, ...json } = descriptor as Record<string, unknown>;
  loaded ??= protobuf.Root.fromJSON(json as protobuf.INamespace);
  return loaded;
}

/** A free value as gnostic keeps it: YAML text in an Any. */
const any = (value: unknown) => ({ yaml: stringify(value) });

function named<T>(object: unknown, convert: (value: Schema) => T): { name: string; value: T }[] {
  return Object.entries((object as Record<string, Schema> | undefined) ?? {}).map(([name, value]) => ({
    name,
    value: convert(value),
  }));
}

/** The `x-…` members of an object, as gnostic's vendor_extension list. */
function extensions(object: Schema): { name: string; value: { yaml: string } }[] {
  return Object.entries(object)
    .filter(([key]) => key.startsWith("x-"))
    .map(([name, value]) => ({ name, value: any(value) }));
}

function schema(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === "$ref") out._ref = value;
    else if (key === "type") out.type = { value: Array.isArray(value) ? value : [value] };
    else if (key === "items") out.items = { schema: (Array.isArray(value) ? value : [value]).map(schema) };
    else if (key === "properties") out.properties = { additional_properties: named(value, schema) };
    else if (key === "additionalProperties")
      out.additional_properties =
        typeof value === "boolean" ? { boolean: value } : { schema: schema(value as Schema) };
    else if (key === "allOf") out.all_of = (value as Schema[]).map(schema);
    else if (key === "enum") out.enum = (value as unknown[]).map(any);
    else if (key === "default" || key === "example") out[key] = any(value);
    else if (key === "uniqueItems") out.unique_items = value;
    else if (key === "readOnly") out.read_only = value;
    else if (!key.startsWith("x-")) out[key] = value;
  }
  const vendor = extensions(s);
  if (vendor.length) out.vendor_extension = vendor;
  return out;
}

function parameter(p: Schema): Record<string, unknown> {
  if (p.in === "body")
    return {
      parameter: {
        body_parameter: {
          description: p.description,
          name: p.name,
          in: p.in,
          required: p.required,
          schema: schema(p.schema as Schema),
        },
      },
    };
  const sub = {
    required: p.required,
    in: p.in,
    description: p.description,
    name: p.name,
    type: p.type,
    unique_items: p.uniqueItems,
  };
  const kind = `${p.in === "path" ? "path" : p.in === "header" ? "header" : "query"}_parameter_sub_schema`;
  return { parameter: { non_body_parameter: { [kind]: sub } } };
}

function operation(op: Schema): Record<string, unknown> {
  const responses = (op.responses as Record<string, Schema> | undefined) ?? {};
  return {
    tags: op.tags,
    description: op.description,
    operation_id: op.operationId,
    consumes: op.consumes,
    produces: op.produces,
    schemes: op.schemes,
    parameters: ((op.parameters as Schema[] | undefined) ?? []).map(parameter),
    responses: {
      response_code: Object.entries(responses).map(([name, r]) => ({
        name,
        value: {
          response: {
            description: r.description,
            ...(r.schema ? { schema: { schema: schema(r.schema as Schema) } } : {}),
          },
        },
      })),
    },
    vendor_extension: extensions(op),
  };
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch"];

function pathItem(item: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const method of methods) if (item[method]) out[method] = operation(item[method] as Schema);
  out.parameters = ((item.parameters as Schema[] | undefined) ?? []).map(parameter);
  return out;
}
