import { describe, expect, it } from "vitest";
import type { Written } from "../../../db/store/writer.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { endpointsPodWritten } from "../../../workers/endpoints/triggers.ts";
import { garbageCollectionWritten } from "../../../workers/garbage-collector/triggers.ts";
import { replicationControllerFlavour } from "../../../workers/replication/flavours.ts";
import { controllerWritten, podWritten } from "../../../workers/replication/triggers.ts";
import {
  configMapWritten,
  namespaceAdded,
  serviceAccountWritten,
} from "../../../workers/serviceaccount/triggers.ts";

function written(
  type: Written["type"],
  resource: string,
  object: Partial<KubeObject> & { metadata: KubeObject["metadata"] },
  previous: KubeObject | null = null,
): Written {
  return {
    type,
    resource,
    namespace: object.metadata.namespace ?? "",
    name: object.metadata.name ?? "",
    object,
    previous,
  };
}
const rcRef = {
  apiVersion: "v1",
  kind: "ReplicationController",
  name: "web",
  uid: "u-rc",
  controller: true,
  blockOwnerDeletion: true,
};
const keys = (jobs: { task: string; key: string }[]) => jobs.map((j) => `${j.task}:${j.key}`);

describe("which writes wake the replication controllers", () => {
  it.each([
    {
      name: "a new RC",
      w: written("ADDED", "replicationcontrollers", {
        metadata: { name: "web", namespace: "d", generation: 1 },
        status: { replicas: 0 },
      }),
      want: ["replicationcontroller:d/web"],
    },
    {
      name: "a scaled RC",
      w: written("MODIFIED", "replicationcontrollers", {
        metadata: { name: "web", namespace: "d", generation: 2 },
        status: { observedGeneration: 1 },
      }),
      want: ["replicationcontroller:d/web"],
    },
    {
      name: "the controller's own status write",
      w: written("MODIFIED", "replicationcontrollers", {
        metadata: { name: "web", namespace: "d", generation: 2 },
        status: { observedGeneration: 2 },
      }),
      want: [],
    },
    {
      name: "a deleted RC",
      w: written("DELETED", "replicationcontrollers", {
        metadata: { name: "web", namespace: "d", generation: 2 },
      }),
      want: [],
    },
  ])("$name", ({ w, want }) => {
    expect(keys(controllerWritten(replicationControllerFlavour)(w))).toEqual(want);
  });

  it.each([
    {
      name: "an owned pod changed",
      w: written("MODIFIED", "pods", { metadata: { name: "p", namespace: "d", ownerReferences: [rcRef] } }),
      want: ["replicationcontroller:d/web"],
    },
    {
      name: "an owned pod deleted",
      w: written("DELETED", "pods", { metadata: { name: "p", namespace: "d", ownerReferences: [rcRef] } }),
      want: ["replicationcontroller:d/web"],
    },
    {
      name: "a ReplicaSet's pod",
      w: written("ADDED", "pods", {
        metadata: {
          name: "p",
          namespace: "d",
          ownerReferences: [{ ...rcRef, apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs" }],
        },
      }),
      want: ["replicaset:d/rs"],
    },
    {
      name: "a pod of another kind of controller",
      w: written("ADDED", "pods", {
        metadata: {
          name: "p",
          namespace: "d",
          ownerReferences: [{ ...rcRef, apiVersion: "batch/v1", kind: "Job" }],
        },
      }),
      want: [],
    },
    {
      name: "an orphan",
      w: written("ADDED", "pods", { metadata: { name: "p", namespace: "d" } }),
      want: ["replication_adopt:d"],
    },
    {
      name: "an orphan being deleted",
      w: written("MODIFIED", "pods", { metadata: { name: "p", namespace: "d", deletionTimestamp: "x" } }),
      want: [],
    },
    {
      name: "a finished orphan",
      w: written("MODIFIED", "pods", {
        metadata: { name: "p", namespace: "d" },
        status: { phase: "Succeeded" },
      }),
      want: [],
    },
    {
      name: "an orphan deleted",
      w: written("DELETED", "pods", { metadata: { name: "p", namespace: "d" } }),
      want: [],
    },
  ])("$name", ({ w, want }) => {
    expect(keys(podWritten(w))).toEqual(want);
  });
});

describe("which writes wake the garbage collector", () => {
  it.each([
    {
      name: "an object deleted: its dependents",
      w: written("DELETED", "configmaps", { metadata: { name: "c", uid: "u1" } }),
      want: ["garbage_collector:u1"],
    },
    {
      name: "a dependent deleted: the owner it blocked",
      w: written("DELETED", "pods", { metadata: { name: "p", uid: "u2", ownerReferences: [rcRef] } }),
      want: ["garbage_collector:u2", "garbage_collector:u-rc"],
    },
    {
      name: "a dependent added: its owners may be gone",
      w: written("ADDED", "pods", {
        metadata: { name: "p", uid: "u2", ownerReferences: [{ ...rcRef, blockOwnerDeletion: false }] },
      }),
      want: ["garbage_collector:u-rc"],
    },
    {
      name: "an owner marked for orphaning",
      w: written("MODIFIED", "replicationcontrollers", {
        metadata: { name: "r", uid: "u3", deletionTimestamp: "t", finalizers: ["orphan"] },
      }),
      want: ["garbage_collector:u3"],
    },
    {
      name: "an owner marked for foreground deletion",
      w: written("MODIFIED", "replicasets.apps", {
        metadata: { name: "r", uid: "u3", deletionTimestamp: "t", finalizers: ["foregroundDeletion"] },
      }),
      want: ["garbage_collector:u3"],
    },
    {
      name: "an object with only other finalizers",
      w: written("MODIFIED", "configmaps", {
        metadata: { name: "c", uid: "u4", deletionTimestamp: "t", finalizers: ["x"] },
      }),
      want: [],
    },
    {
      name: "an ordinary change",
      w: written("MODIFIED", "pods", { metadata: { name: "p", uid: "u2", ownerReferences: [rcRef] } }),
      want: [],
    },
    {
      name: "events never",
      w: written("DELETED", "events", { metadata: { name: "e", uid: "u5" } }),
      want: [],
    },
  ])("$name", ({ w, want }) => {
    expect(keys(garbageCollectionWritten(w))).toEqual(want);
  });
});

describe("which writes wake the service account controller", () => {
  it.each([
    {
      name: "a namespace added",
      rule: namespaceAdded,
      w: written("ADDED", "namespaces", { metadata: { name: "n" } }),
      want: ["serviceaccount:n"],
    },
    {
      name: "a namespace changed",
      rule: namespaceAdded,
      w: written("MODIFIED", "namespaces", { metadata: { name: "n" } }),
      want: [],
    },
    {
      name: "the default SA deleted",
      rule: serviceAccountWritten,
      w: written("DELETED", "serviceaccounts", { metadata: { name: "default", namespace: "n" } }),
      want: ["serviceaccount:n"],
    },
    {
      name: "another SA deleted",
      rule: serviceAccountWritten,
      w: written("DELETED", "serviceaccounts", { metadata: { name: "robot", namespace: "n" } }),
      want: [],
    },
    {
      name: "the root CA changed",
      rule: configMapWritten,
      w: written("MODIFIED", "configmaps", { metadata: { name: "kube-root-ca.crt", namespace: "n" } }),
      want: ["serviceaccount:n"],
    },
    {
      name: "the root CA created",
      rule: configMapWritten,
      w: written("ADDED", "configmaps", { metadata: { name: "kube-root-ca.crt", namespace: "n" } }),
      want: [],
    },
  ])("$name", ({ rule, w, want }) => {
    expect(keys(rule(w))).toEqual(want);
  });
});

describe("pod writes wake adoption and endpoints only for changes they care about", () => {
  const pod = (labels: Record<string, string>, status: Record<string, unknown>) =>
    ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "d", labels },
      spec: { nodeName: "node-1", containers: [{ name: "c" }] },
      status,
    }) as KubeObject;
  const running = { phase: "Running", podIP: "10.244.1.2", conditions: [{ type: "Ready", status: "True" }] };

  it("adoption: on a new orphan and on a label change, not on a status write", () => {
    expect(keys(podWritten(written("ADDED", "pods", pod({ app: "a" }, {}))))).toEqual([
      "replication_adopt:d",
    ]);
    const statusOnly = written("MODIFIED", "pods", pod({ app: "a" }, running), pod({ app: "a" }, {}));
    expect(podWritten(statusOnly)).toEqual([]);
    const relabelled = written("MODIFIED", "pods", pod({ app: "b" }, running), pod({ app: "a" }, running));
    expect(keys(podWritten(relabelled))).toEqual(["replication_adopt:d"]);
  });

  it("endpoints: when the address, readiness or labels change, not otherwise", () => {
    const same = written(
      "MODIFIED",
      "pods",
      pod({ app: "a" }, { ...running, startTime: "x" }),
      pod({ app: "a" }, running),
    );
    expect(endpointsPodWritten(same)).toEqual([]);
    const gotIP = written(
      "MODIFIED",
      "pods",
      pod({ app: "a" }, running),
      pod({ app: "a" }, { phase: "Pending" }),
    );
    expect(keys(endpointsPodWritten(gotIP))).toEqual(["endpoints_namespace:d"]);
    const unready = written(
      "MODIFIED",
      "pods",
      pod({ app: "a" }, { ...running, conditions: [{ type: "Ready", status: "False" }] }),
      pod({ app: "a" }, running),
    );
    expect(keys(endpointsPodWritten(unready))).toEqual(["endpoints_namespace:d"]);
    expect(
      endpointsPodWritten(written("MODIFIED", "pods", pod({ app: "a" }, {}), pod({ app: "a" }, {}))),
    ).toEqual([]);
  });
});
