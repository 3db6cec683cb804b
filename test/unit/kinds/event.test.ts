import { describe, expect, it } from "vitest";
import { eventKind, validateEvent } from "../../../kube/kinds/event/index.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

const now = Date.parse("2024-01-01T01:00:00Z");

function event(fields: Record<string, unknown>, namespace = "default"): KubeObject {
  return { apiVersion: "v1", kind: "Event", metadata: { name: "nginx.1", namespace }, ...fields };
}

describe("Event printing", () => {
  it.each([
    [
      "an old-style event",
      {
        involvedObject: { kind: "Pod", name: "nginx", fieldPath: "spec.containers{nginx}" },
        reason: "Pulled",
        message: 'Container image "nginx" already present on machine\n',
        type: "Normal",
        source: { component: "kubelet", host: "node-1" },
        firstTimestamp: "2024-01-01T00:00:00Z",
        lastTimestamp: "2024-01-01T00:55:00Z",
        count: 3,
      },
      [
        "5m",
        "Normal",
        "Pulled",
        "pod/nginx",
        "spec.containers{nginx}",
        "kubelet, node-1",
        'Container image "nginx" already present on machine',
        "60m",
        3,
        "nginx.1",
      ],
    ],
    [
      "a new-style event with a series",
      {
        involvedObject: { kind: "Node" },
        reason: "Starting",
        type: "Normal",
        eventTime: "2024-01-01T00:30:00.000000Z",
        series: { count: 4, lastObservedTime: "2024-01-01T00:59:00.000000Z" },
        reportingComponent: "kubelet",
        reportingInstance: "node-2",
      },
      ["60s", "Normal", "Starting", "node", "", "kubelet, node-2", "", "30m", 4, "nginx.1"],
    ],
  ])("%s", (_name, fields, cells) => {
    expect(printed(eventKind, event(fields), now)).toEqual(cells);
  });
});

describe("Event validation (core/v1's legacy rules)", () => {
  it.each([
    ["its object's namespace", event({ involvedObject: { namespace: "default" } }), []],
    ["default, for a cluster object", event({ involvedObject: { kind: "Node" } }), []],
    [
      "another namespace",
      event({ involvedObject: { namespace: "web" } }),
      ['involvedObject.namespace: Invalid value: "web": does not match event.namespace'],
    ],
    [
      "a new-style event without its reporter",
      event({
        eventTime: "2024-01-01T00:00:00.000000Z",
        involvedObject: { namespace: "default" },
        reason: "X",
      }),
      [
        "reportingController: Required value",
        'reportingController: Invalid value: "": name part must be non-empty',
        `reportingController: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        "reportingInstance: Required value",
        "action: Required value",
      ],
    ],
  ])("in %s", (_name, obj, expected) => {
    expect(validateEvent(obj).map((e) => `${e.field}: ${e.body}`)).toEqual(expected);
  });
});
