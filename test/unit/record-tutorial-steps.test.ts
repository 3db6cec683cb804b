import { describe, expect, it } from "vitest";
import { requestsOf } from "../../tools/record-tutorial-steps.ts";

// Lines of kubectl 1.32's -v=9 log, as it writes them (bearer token masked by kubectl itself).
const prefix = "/sandboxes/abc";
const url = `https://127.0.0.1:8443${prefix}`;
const log = [
  `I1207 07:16:11.554115   18662 groupversion.go:75] "Request Body" body=""`,
  `I1207 07:16:11.554287   18662 round_trippers.go:473] curl -v -XGET  -H "Accept: application/json" -H "Authorization: Bearer <masked>" '${url}/openapi/v3/api/v1?hash=E2'`,
  `I1207 07:16:11.672269   18662 helper.go:246] "Request Body" body=<`,
  `\t{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"}}`,
  " >",
  `I1207 07:16:11.672748   18662 round_trippers.go:473] curl -v -XPOST  -H "Accept: application/json" -H "Content-Type: application/json" '${url}/api/v1/namespaces/default/pods?fieldManager=kubectl-create'`,
  `I1207 07:16:11.690000   18662 round_trippers.go:560] POST ${url}/api/v1/namespaces/default/pods?fieldManager=kubectl-create 201 Created in 18 milliseconds`,
  `I1207 07:16:11.692683   18662 helper.go:246] "Response Body" body="{\\"kind\\":\\"Pod\\",\\"metadata\\":{\\"name\\":\\"p\\",\\"uid\\":\\"11111111-2222-4333-8444-555555555555\\"}}"`,
  `I1207 07:16:12.000000   18662 helper.go:105] "Request Body" body=""`,
  `I1207 07:16:12.000100   18662 round_trippers.go:473] curl -v -XGET  -H "Accept: application/vnd.kubernetes.protobuf,application/json" '${url}/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3D11111111-2222-4333-8444-555555555555'`,
  `I1207 07:16:12.000200   18662 round_trippers.go:560] GET ${url}/api/v1/namespaces/default/events 200 OK in 1 milliseconds`,
  `I1207 07:16:12.100000   18662 round_trippers.go:473] curl -v -XGET  -H "Accept: application/json" '${url}/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dp&watch=true'`,
  `I1207 07:16:12.200000   18662 round_trippers.go:473] curl -v -XGET  -H "Accept: application/json" '${url}/api/v1/namespaces/default/pods/p'`,
  `I1207 07:16:12.200200   18662 round_trippers.go:560] GET ${url}/api/v1/namespaces/default/pods/p 404 Not Found in 1 milliseconds`,
].join("\n");

describe("recording kubectl's requests from its -v=9 log", () => {
  it("keeps each request's method, path, headers, body and status; drops OpenAPI reads and watches", () => {
    expect(requestsOf(log, "kubectl x", prefix, new Map())).toEqual([
      {
        command: "kubectl x",
        method: "POST",
        path: "/api/v1/namespaces/default/pods?fieldManager=kubectl-create",
        accept: "application/json",
        contentType: "application/json",
        body: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"}}',
        status: 201,
      },
      {
        command: "kubectl x",
        method: "GET",
        // The uid of the pod made before, by name, for the replay to fill in with its own.
        path: "/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3D{{uid:p}}",
        accept: "application/vnd.kubernetes.protobuf,application/json",
        status: 200,
      },
      {
        command: "kubectl x",
        method: "GET",
        path: "/api/v1/namespaces/default/pods/p",
        accept: "application/json",
        status: 404,
      },
    ]);
  });

  it("refuses a request outside the sandbox", () => {
    expect(() => requestsOf(log, "kubectl x", "/sandboxes/other", new Map())).toThrow(/is not under/);
  });
});
