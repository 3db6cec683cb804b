import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { kinds } from "../../kube/kinds/index.ts";
import { openApiDocuments } from "../../kube/openapi/documents.ts";
import { gnosticDocument, gnosticDocumentType, gnosticMessage } from "../../kube/openapi/gnostic.ts";
import descriptor from "../../kube/openapi/gnostic-v2.json" with { type: "json" };
import { reviewResources } from "../../kube/reviews/resources.ts";
import { messageFacts } from "../../kube/types/patch-metadata.ts";

const docs = openApiDocuments([...kinds, ...reviewResources]);
const definitions = docs.v2.definitions as Record<string, any>;
const pod = definitions["io.k8s.api.core.v1.Pod"];
const podSpec = definitions["io.k8s.api.core.v1.PodSpec"];

describe("the OpenAPI v2 definitions derived from the Go sources", () => {
  it("describe a kind with its group-version-kind, its fields' docs and types", () => {
    expect(pod["x-kubernetes-group-version-kind"]).toEqual([{ group: "", kind: "Pod", version: "v1" }]);
    expect(pod.description).toMatch(/^Pod is a collection of containers/);
    expect(pod.properties.metadata).toMatchObject({
      $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    });
    expect(pod.properties.kind.description).toMatch(/^Kind is a string value/);
    expect(podSpec.required).toEqual(["containers"]);
    expect(podSpec.properties.containers).toMatchObject({
      type: "array",
      items: { $ref: "#/definitions/io.k8s.api.core.v1.Container" },
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    expect(podSpec.properties.activeDeadlineSeconds).toMatchObject({ type: "integer", format: "int64" });
    expect(definitions["io.k8s.api.core.v1.Secret"].properties.data.additionalProperties).toEqual({
      type: "string",
      format: "byte",
    });
  });

  it("gives +enum fields their values and the values' docs", () => {
    const policy = definitions["io.k8s.api.core.v1.Container"].properties.imagePullPolicy;
    expect(policy.enum).toEqual(["Always", "IfNotPresent", "Never"]);
    expect(policy.description).toContain(
      '\n\nPossible enum values:\n - `"Always"` means that kubelet always attempts',
    );
  });

  it("gives the types with their own JSON form the schema the API server does", () => {
    const quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    const intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    expect(definitions[quantity]).toMatchObject({ type: "string" });
    expect(definitions[intOrString]).toMatchObject({ type: "string", format: "int-or-string" });
    expect(definitions["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]).toMatchObject({
      type: "string",
      format: "date-time",
    });
    const core = docs.v3.get("v1") as any;
    expect(core.components.schemas[quantity].oneOf).toEqual([{ type: "string" }, { type: "number" }]);
    expect(core.components.schemas[intOrString].oneOf).toEqual([{ type: "integer" }, { type: "string" }]);
  });

  it("has a definition, with its kind, for every served resource and its list, and every reference resolves", () => {
    for (const k of kinds) {
      const group = k.group ? k.group.split(".")[0] : "core";
      // CustomResourceDefinition's Go types are in k8s.io/apiextensions-apiserver, named after it.
      const name =
        k.kind === "CustomResourceDefinition"
          ? "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"
          : `io.k8s.api.${group}.${k.version}.${k.kind}`;
      expect(definitions[name]?.["x-kubernetes-group-version-kind"], name).toEqual([
        { group: k.group, kind: k.kind, version: k.version },
      ]);
      expect(definitions[`${name}List`], `${name}List`).toBeDefined();
    }
    for (const m of JSON.stringify(docs.v2).matchAll(/"#\/definitions\/([^"]+)"/g))
      expect(definitions[m[1] as string], m[1]).toBeDefined();
  });

  it("agrees with the patch metadata generated from the same sources", () => {
    let compared = 0;
    for (const [proto, facts] of Object.entries(messageFacts)) {
      const definition = definitions[proto.replace(/^k8s\.io\./, "io.k8s.")];
      if (!definition) continue;
      for (const [field, f] of Object.entries(facts.fields ?? {})) {
        const property = definition.properties?.[field];
        if (!property || !f.patchMergeKey) continue;
        expect(property["x-kubernetes-patch-merge-key"], `${proto}.${field}`).toBe(f.patchMergeKey);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});

describe("the OpenAPI v3 documents", () => {
  it("refer to components and wrap a reference with a description in allOf", () => {
    const apps = docs.v3.get("apps/v1") as any;
    const deployment = apps.components.schemas["io.k8s.api.apps.v1.Deployment"];
    expect(deployment.properties.spec.allOf).toEqual([
      { $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec" },
    ]);
    expect(JSON.stringify(apps)).not.toContain("#/definitions/");
    const patch = apps.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      kind: "Deployment",
      version: "v1",
    });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain("fieldValidation");
    expect(Object.keys(patch.requestBody.content)).toContain("application/strategic-merge-patch+json");
  });

  it("describe CustomResourceDefinitions, whose schemas' property names stay names ($ref, x-kubernetes-…)", () => {
    const ext = docs.v3.get("apiextensions.k8s.io/v1") as any;
    const schemas = ext.components.schemas;
    const prefix = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";
    expect(schemas[`${prefix}.CustomResourceDefinition`]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", version: "v1" },
    ]);
    const props = schemas[`${prefix}.JSONSchemaProps`].properties;
    expect(props.$ref).toEqual({ type: "string" });
    expect(props["x-kubernetes-preserve-unknown-fields"].description).toMatch(
      /^x-kubernetes-preserve-unknown-fields stops the API server decoding step/,
    );
    expect(props.items).toEqual({ $ref: `#/components/schemas/${prefix}.JSONSchemaPropsOrArray` });
    // Any JSON value: a description and no type, as OpenAPISchemaType gives none.
    expect(Object.keys(schemas[`${prefix}.JSON`])).toEqual(["description"]);
    expect(schemas[`${prefix}.CustomResourceSubresourceStatus`]).toMatchObject({ type: "object" });
  });

  it("list the review resources, create-only", () => {
    const authz = docs.v3.get("authorization.k8s.io/v1") as any;
    const item = authz.paths["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"];
    expect(Object.keys(item).filter((k) => k !== "parameters")).toEqual(["post"]);
  });
});

describe("the gnostic protobuf form of /openapi/v2", () => {
  it("decodes as gnostic's Document with the same definitions, paths and extensions", () => {
    const { $comment: _c, ...json } = descriptor as Record<string, unknown>;
    const Document = protobuf.Root.fromJSON(json as protobuf.INamespace).lookupType("openapi.v2.Document");
    const decoded = Document.toObject(Document.decode(gnosticDocument(docs.v2))) as any;
    expect(decoded.swagger).toBe("2.0");
    const names = decoded.definitions.additional_properties.map((d: { name: string }) => d.name);
    expect(names).toEqual(Object.keys(definitions));
    const decodedPod = decoded.definitions.additional_properties.find(
      (d: { name: string }) => d.name === "io.k8s.api.core.v1.Pod",
    ).value;
    const gvk = decodedPod.vendor_extension.find(
      (e: { name: string }) => e.name === "x-kubernetes-group-version-kind",
    );
    expect(parse(gvk.value.yaml)).toEqual([{ group: "", kind: "Pod", version: "v1" }]);
    const path = decoded.paths.path.find(
      (p: { name: string }) => p.name === "/api/v1/namespaces/{namespace}/pods/{name}",
    );
    const params = path.value.patch.parameters.map(
      (p: any) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name,
    );
    expect(params).toContain("fieldValidation");
  });

  it("is written without generated code (workerd refuses it) in the bytes protobufjs's generated encoder writes", () => {
    const Document = gnosticDocumentType();
    const generated = Document.encode(Document.fromObject(gnosticMessage(docs.v2))).finish();
    expect(Buffer.from(gnosticDocument(docs.v2)).equals(Buffer.from(generated))).toBe(true);
  });
});
