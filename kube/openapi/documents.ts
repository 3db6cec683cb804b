import { definitionOf, definitionsFrom, type Schema, v3OneOf } from "./definitions.ts";
import { resourcePaths, type ServedResource } from "./paths.ts";

/** The OpenAPI documents of the resources served, built once from the generated definitions. */
export interface OpenApiDocuments {
  /** GET /openapi/v2: the Swagger 2.0 document of every resource. */
  v2: Schema;
  /** GET /openapi/v3/<api/v1 | apis/group/version>: one OpenAPI 3.0 document per group version. */
  v3: Map<string, Schema>;
}

const info = { title: "Kubernetes", version: "v1.32.0" };
const bearer = {
  BearerToken: {
    description: "Bearer Token authentication",
    in: "header",
    name: "authorization",
    type: "apiKey",
  },
};

const apiVersionOf = (r: ServedResource) => (r.group ? `${r.group}/${r.version}` : r.version);

/** Every definition an object of paths refers to. */
function referenced(paths: Schema): string[] {
  return [...JSON.stringify(paths).matchAll(/"#\/definitions\/([^"]+)"/g)].map((m) => m[1] as string);
}

/** The Swagger 2.0 and OpenAPI 3.0 documents of `resources` (stored kinds and the review resources). */
export function openApiDocuments(resources: readonly ServedResource[]): OpenApiDocuments {
  const apiVersions = [...new Set(resources.map(apiVersionOf))];
  const byGroupVersion = new Map<string, Schema>();
  // A kind whose Go types are not among the sources has no document.
  for (const r of resources.filter((r) => definitionOf(apiVersionOf(r), r.kind))) {
    const gv = apiVersionOf(r);
    byGroupVersion.set(gv, { ...(byGroupVersion.get(gv) ?? {}), ...resourcePaths(r) });
  }
  const allPaths = Object.assign({}, ...byGroupVersion.values()) as Schema;
  const v2 = {
    swagger: "2.0",
    info,
    paths: sortedKeys(allPaths),
    definitions: definitionsFrom(referenced(allPaths), apiVersions),
    securityDefinitions: bearer,
    security: [{ BearerToken: [] }],
  };
  const v3 = new Map<string, Schema>();
  for (const [gv, paths] of byGroupVersion) {
    const schemas = definitionsFrom(referenced(paths), apiVersions);
    v3.set(gv, {
      openapi: "3.0.0",
      info,
      paths: sortedKeys(
        Object.fromEntries(Object.entries(paths).map(([p, item]) => [p, pathItemV3(item as Schema)])),
      ),
      components: {
        schemas: Object.fromEntries(
          Object.entries(schemas).map(([name, s]) => [name, definitionV3(name, s)]),
        ),
        securitySchemes: {
          BearerToken: {
            description: "Bearer Token authentication",
            in: "header",
            name: "authorization",
            type: "apiKey",
          },
        },
      },
    });
  }
  return { v2, v3 };
}

function sortedKeys(object: Schema): Schema {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A v2 schema in v3 form: component references, and a reference with siblings wrapped in allOf. */
function schemaV3(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(schemaV3);
  if (!schema || typeof schema !== "object") return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    // Property names are names, whatever they spell (JSONSchemaProps has "$ref" and "x-kubernetes-…").
    if (key === "properties" && value && typeof value === "object" && !Array.isArray(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, schemaV3(s)]));
    else if (key === "$ref") out[key] = String(value).replace("#/definitions/", "#/components/schemas/");
    else if (key.startsWith("x-kubernetes-") || key === "enum" || key === "required") out[key] = value;
    else out[key] = schemaV3(value);
  }
  if ("$ref" in out && Object.keys(out).length > 1) {
    const { $ref, ...siblings } = out;
    return { allOf: [{ $ref }], ...siblings };
  }
  return out;
}

function definitionV3(name: string, schema: Schema): unknown {
  const oneOf = v3OneOf[name];
  if (!oneOf) return schemaV3(schema);
  const { type: _type, ...rest } = schema;
  return { ...rest, oneOf: oneOf.map((type) => ({ type })) };
}

const mediaTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

function pathItemV3(item: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === "parameters") out.parameters = (value as Schema[]).map(parameterV3);
    else out[key] = operationV3(value as Schema);
  }
  return out;
}

function parameterV3(p: Schema): Schema {
  const { type, uniqueItems: _unique, ...rest } = p;
  return { ...rest, schema: { type, uniqueItems: true } };
}

function operationV3(op: Schema): Schema {
  const { consumes, produces: _produces, schemes: _schemes, parameters, responses, ...rest } = op;
  const params = (parameters as Schema[] | undefined) ?? [];
  const bodyParam = params.find((p) => p.in === "body");
  const contentTypes = (consumes as string[] | undefined)?.filter((t) => t !== "*/*");
  return {
    ...rest,
    ...(params.some((p) => p.in !== "body")
      ? { parameters: params.filter((p) => p.in !== "body").map(parameterV3) }
      : {}),
    ...(bodyParam
      ? {
          requestBody: {
            content: Object.fromEntries(
              (contentTypes?.length ? contentTypes : ["*/*"]).map((t) => [
                t,
                { schema: schemaV3(bodyParam.schema) },
              ]),
            ),
            required: true,
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses as Record<string, Schema>).map(([code, r]) => [
        code,
        r.schema
          ? {
              description: r.description,
              content: Object.fromEntries(mediaTypes.map((t) => [t, { schema: schemaV3(r.schema) }])),
            }
          : { description: r.description },
      ]),
    ),
  };
}
