import { describe, expect, it } from "vitest";
import { configMapKind } from "../../kube/kinds/configmap/index.ts";
import type { Kind } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { replicationControllerKind } from "../../kube/kinds/replicationcontroller/index.ts";
import { type DeleteOptions, planDeletion, shouldDeleteDuringUpdate } from "../../kube/meta/deletion.ts";
import type { KubeObject } from "../../kube/object.ts";

const now = new Date("2025-01-01T12:00:00Z");
const at = (s: number) => new Date(now.getTime() + s * 1000).toISOString().replace(/\.\d+Z$/, "Z");
const obj = (meta: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: "x", ...meta },
  ...rest,
});
const bound = (meta = {}, status = {}) =>
  obj(meta, { spec: { nodeName: "node-1", terminationGracePeriodSeconds: 30 }, status });

describe("planDeletion", () => {
  it.each<{
    name: string;
    kind: Kind;
    object: KubeObject;
    options: DeleteOptions;
    action: string;
    meta?: Record<string, unknown>;
  }>([
    {
      name: "a plain object goes at once",
      kind: configMapKind,
      object: obj(),
      options: {},
      action: "remove",
    },
    {
      name: "Background leaves no finalizer",
      kind: replicaSetKind,
      object: obj(),
      options: { propagationPolicy: "Background" },
      action: "remove",
    },
    {
      name: "Orphan adds its finalizer and marks",
      kind: replicaSetKind,
      object: obj({ generation: 2 }),
      options: { propagationPolicy: "Orphan" },
      action: "mark",
      meta: {
        finalizers: ["orphan"],
        deletionTimestamp: at(0),
        deletionGracePeriodSeconds: 0,
        generation: 3,
      },
    },
    {
      name: "Foreground replaces an orphan finalizer",
      kind: replicaSetKind,
      object: obj({ finalizers: ["a", "orphan"] }),
      options: { propagationPolicy: "Foreground" },
      action: "mark",
      meta: { finalizers: ["a", "foregroundDeletion"] },
    },
    {
      name: "a v1 ReplicationController orphans by default",
      kind: replicationControllerKind,
      object: obj(),
      options: {},
      action: "mark",
      meta: { finalizers: ["orphan"] },
    },
    {
      name: "an existing finalizer decides when the request does not",
      kind: replicationControllerKind,
      object: obj({ finalizers: ["foregroundDeletion"] }),
      options: {},
      action: "mark",
      meta: { finalizers: ["foregroundDeletion"] },
    },
    {
      name: "Background on a marked object drops the GC finalizer and removes it",
      kind: replicationControllerKind,
      object: obj({ finalizers: ["orphan"], deletionTimestamp: at(-5), deletionGracePeriodSeconds: 0 }),
      options: { propagationPolicy: "Background" },
      action: "remove",
    },
    {
      name: "other finalizers keep the object, with the earlier deletionTimestamp",
      kind: configMapKind,
      object: obj({ finalizers: ["a"], deletionTimestamp: at(-5), deletionGracePeriodSeconds: 0 }),
      options: {},
      action: "mark",
      meta: { deletionTimestamp: at(-5) },
    },
    {
      name: "a bound pod gets its grace period",
      kind: podKind,
      object: bound(),
      options: {},
      action: "mark",
      meta: { deletionTimestamp: at(30), deletionGracePeriodSeconds: 30 },
    },
    {
      name: "a bound pod with grace 0 goes",
      kind: podKind,
      object: bound(),
      options: { gracePeriodSeconds: 0 },
      action: "remove",
    },
    {
      name: "an unbound pod goes",
      kind: podKind,
      object: obj({}, { spec: {} }),
      options: {},
      action: "remove",
    },
    {
      name: "a failed pod goes",
      kind: podKind,
      object: bound({}, { phase: "Failed" }),
      options: {},
      action: "remove",
    },
    {
      name: "a longer grace on a terminating pod changes nothing",
      kind: podKind,
      object: bound({ deletionTimestamp: at(20), deletionGracePeriodSeconds: 30 }),
      options: { gracePeriodSeconds: 45 },
      action: "pending",
    },
    {
      name: "no grace on a terminating pod changes nothing",
      kind: podKind,
      object: bound({ deletionTimestamp: at(20), deletionGracePeriodSeconds: 30 }),
      options: {},
      action: "pending",
    },
    {
      name: "a shorter grace moves the deadline back",
      kind: podKind,
      object: bound({ deletionTimestamp: at(20), deletionGracePeriodSeconds: 30 }),
      options: { gracePeriodSeconds: 10 },
      action: "mark",
      meta: { deletionTimestamp: at(0), deletionGracePeriodSeconds: 10 },
    },
    {
      name: "a pod with a finalizer and grace 0 stays, marked",
      kind: podKind,
      object: bound({ finalizers: ["a"] }),
      options: { gracePeriodSeconds: 0 },
      action: "mark",
      meta: { deletionTimestamp: at(0), deletionGracePeriodSeconds: 0 },
    },
  ])("$name", ({ kind, object, options, action, meta }) => {
    const plan = planDeletion(kind, object, options, now);
    expect(plan.action).toBe(action);
    if (meta) expect(plan.object.metadata).toMatchObject(meta);
    if (action !== "mark")
      expect(plan.object.metadata.finalizers ?? []).toEqual(object.metadata.finalizers ?? []);
  });
});

describe("shouldDeleteDuringUpdate", () => {
  it.each([
    {
      name: "last finalizer removed while deleting",
      old: { finalizers: ["a"], deletionTimestamp: at(0) },
      next: {},
      want: true,
    },
    {
      name: "a finalizer left",
      old: { finalizers: ["a", "b"], deletionTimestamp: at(0) },
      next: { finalizers: ["b"] },
      want: false,
    },
    { name: "not being deleted", old: { finalizers: ["a"] }, next: {}, want: false },
    { name: "had no finalizers", old: { deletionTimestamp: at(0) }, next: {}, want: false },
    {
      name: "grace period pending",
      old: { finalizers: ["a"], deletionTimestamp: at(30), deletionGracePeriodSeconds: 30 },
      next: {},
      want: false,
    },
  ])("$name", ({ old, next, want }) => {
    expect(shouldDeleteDuringUpdate(obj(old), obj(next))).toBe(want);
  });
});
