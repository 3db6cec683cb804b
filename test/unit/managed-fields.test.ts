import { describe, expect, it } from "vitest";
import { StatusError } from "../../kube/errors.ts";
import { applyConfiguration } from "../../kube/fieldmanager/apply.ts";
import { decodeManagedFields } from "../../kube/fieldmanager/entries.ts";
import { recordUpdate, type WriteScope } from "../../kube/fieldmanager/managed-fields.ts";
import type { Kind } from "../../kube/kinds/kind.ts";
import { namespaceKind } from "../../kube/kinds/namespace/index.ts";
import { serviceAccountKind } from "../../kube/kinds/serviceaccount/index.ts";
import type { KubeObject } from "../../kube/object.ts";

const T0 = "2024-05-01T10:00:00Z";
const T1 = "2024-05-01T10:00:01Z";
const T2 = "2024-05-01T10:00:02Z";
const ns: WriteScope = { kind: namespaceKind, subresource: "" };
const sa: WriteScope = { kind: serviceAccountKind, subresource: "" };
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

type Fields = Record<string, unknown>;

function entry(manager: string, operation: "Apply" | "Update", fieldsV1: Fields, time = T0, extra = {}) {
  return {
    manager,
    operation,
    apiVersion: "v1",
    time,
    fieldsType: "FieldsV1",
    fieldsV1,
    ...extra,
  };
}

const labels = (...keys: string[]): Fields => ({
  "f:metadata": { "f:labels": Object.fromEntries(keys.map((k) => [`f:${k}`, {}])) },
});

function namespace(meta: Record<string, unknown>, managedFields?: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: "x",
      uid: "u-1",
      resourceVersion: "7",
      ...meta,
      ...(managedFields ? { managedFields } : {}),
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

const applied = (labelsMap: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "x", labels: labelsMap },
  ...extra,
});

describe("recording Update operations", () => {
  it("a create owns every field it set, less what the server owns", () => {
    const obj: KubeObject = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "s", namespace: "default", labels: { app: "a" }, creationTimestamp: null as never },
      secrets: [{ name: "tok" }],
    };
    recordUpdate(sa, null, obj, "kubectl-create", T0);
    expect(obj.metadata.managedFields).toEqual([
      entry("kubectl-create", "Update", {
        "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
        "f:secrets": { ".": {}, 'k:{"name":"tok"}': {} },
      }),
    ]);
  });

  it("a create without a manager is recorded as unknown", () => {
    const obj: KubeObject = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "s", labels: { a: "1" } },
    };
    recordUpdate(sa, null, obj, undefined, T0);
    expect(obj.metadata.managedFields?.[0]?.manager).toBe("unknown");
  });

  const start = [
    entry("kubectl-create", "Update", { "f:metadata": { "f:labels": { ".": {}, "f:a": {}, "f:b": {} } } }),
  ];
  const cases: {
    name: string;
    live: KubeObject;
    next: (o: KubeObject) => void;
    manager?: string;
    scope?: WriteScope;
    want: unknown[] | undefined;
  }[] = [
    {
      name: "a changed field moves to its new manager",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: (o) => {
        (o.metadata.labels as Record<string, string>).a = "9";
      },
      manager: "kubectl-label",
      want: [
        entry("kubectl-create", "Update", { "f:metadata": { "f:labels": { ".": {}, "f:b": {} } } }),
        entry("kubectl-label", "Update", labels("a"), T1),
      ],
    },
    {
      name: "a removed field leaves every manager; one left with nothing disappears",
      live: namespace({ labels: { a: "1" } }, [entry("kubectl-create", "Update", labels("a"))]),
      next: (o) => {
        delete o.metadata.labels;
      },
      manager: "kubectl-label",
      want: undefined,
    },
    {
      name: "a write that changes nothing keeps the entries and their times",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: () => {},
      manager: "kubectl-label",
      want: start,
    },
    {
      name: "an object stored without managedFields stays untracked",
      live: namespace({ labels: { a: "1" } }),
      next: (o) => {
        (o.metadata.labels as Record<string, string>).b = "2";
      },
      want: undefined,
    },
    {
      name: "an empty managedFields list from the client resets them",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: (o) => {
        o.metadata.managedFields = [];
        (o.metadata.labels as Record<string, string>).c = "3";
      },
      want: undefined,
    },
    {
      name: "valid managedFields from the client are taken",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: (o) => {
        o.metadata.managedFields = [entry("someone", "Apply", labels("a", "b"))];
      },
      want: [entry("someone", "Apply", labels("a", "b"))],
    },
    {
      name: "unreadable managedFields from the client are ignored",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: (o) => {
        o.metadata.managedFields = [{ manager: "x", operation: "Nope" }];
      },
      want: start,
    },
    {
      name: "status written through the main endpoint is not recorded",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: (o) => {
        o.status = { phase: "Terminating" };
      },
      manager: "kubectl-edit",
      want: start,
    },
    {
      name: "status written through the status subresource is, under its subresource",
      live: namespace({ labels: { a: "1", b: "2" } }, start),
      next: (o) => {
        o.status = { phase: "Active", conditions: [{ type: "X", status: "True" }] };
      },
      manager: "ns-controller",
      scope: { kind: namespaceKind, subresource: "status" },
      want: [
        ...start,
        entry(
          "ns-controller",
          "Update",
          {
            "f:status": {
              "f:conditions": { ".": {}, 'k:{"type":"X"}': { ".": {}, "f:status": {}, "f:type": {} } },
            },
          },
          T1,
          { subresource: "status" },
        ),
      ],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const next = structuredClone(c.live);
      c.next(next);
      recordUpdate(c.scope ?? ns, c.live, next, c.manager ?? "m", T1);
      expect(next.metadata.managedFields).toEqual(c.want);
    });

  it("keeps at most ten Update entries, merging the oldest into ancient-changes", () => {
    const many = Array.from({ length: 11 }, (_, i) =>
      entry(
        `m${String(i).padStart(2, "0")}`,
        "Update",
        labels(`l${i}`),
        `2024-05-01T10:00:${String(10 + i)}Z`,
      ),
    );
    const live = namespace(
      { labels: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`l${i}`, "v"])) },
      many,
    );
    const next = structuredClone(live);
    (next.metadata.labels as Record<string, string>).new = "v";
    recordUpdate(ns, live, next, "latest", "2024-05-01T10:01:00Z");
    const managers = next.metadata.managedFields?.map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers).toContain("ancient-changes");
    expect(managers).not.toContain("m00");
    expect(managers).not.toContain("m01");
    expect(managers).not.toContain("m02");
    const ancient = next.metadata.managedFields?.find((e) => e.manager === "ancient-changes");
    expect(ancient?.fieldsV1).toEqual(labels("l0", "l1", "l2"));
  });
});

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error("no conflict");
}

describe("server-side apply", () => {
  const cases: {
    name: string;
    live: KubeObject | null;
    config: KubeObject;
    manager?: string;
    force?: boolean;
    kind?: Kind;
    labels?: Record<string, string> | undefined;
    want?: unknown[] | undefined;
    changed?: boolean;
    conflict?: string;
  }[] = [
    {
      name: "creating records the configuration's fields as the manager's Apply entry",
      live: null,
      config: applied({ a: "1" }),
      labels: { a: "1" },
      want: [entry("mgr", "Apply", labels("a"), T2)],
      changed: true,
    },
    {
      name: "re-applying the same configuration changes nothing, not even the time",
      live: namespace({ labels: { a: "1" } }, [entry("mgr", "Apply", labels("a"))]),
      config: applied({ a: "1" }),
      labels: { a: "1" },
      want: [entry("mgr", "Apply", labels("a"))],
      changed: false,
    },
    {
      name: "a field the manager no longer applies is removed",
      live: namespace({ labels: { a: "1", b: "2" } }, [entry("mgr", "Apply", labels("a", "b"))]),
      config: applied({ a: "1" }),
      labels: { a: "1" },
      want: [entry("mgr", "Apply", labels("a"), T2)],
      changed: true,
    },
    {
      name: "a field no longer applied stays while another applier owns it too",
      live: namespace({ labels: { a: "1", b: "2" } }, [
        entry("mgr", "Apply", labels("a", "b")),
        entry("other", "Apply", labels("b")),
      ]),
      config: applied({ a: "1" }),
      labels: { a: "1", b: "2" },
      want: [entry("mgr", "Apply", labels("a")), entry("other", "Apply", labels("b"))],
      changed: false,
    },
    {
      name: "a field no longer applied stays when an updater took it",
      live: namespace({ labels: { a: "1", b: "9" } }, [
        entry("mgr", "Apply", labels("a")),
        entry("kubectl-label", "Update", labels("b")),
      ]),
      config: applied({ a: "1" }),
      labels: { a: "1", b: "9" },
      want: [entry("mgr", "Apply", labels("a")), entry("kubectl-label", "Update", labels("b"))],
      changed: false,
    },
    {
      name: "setting a field to the value it has shares it without a conflict",
      live: namespace({ labels: { a: "1" } }, [entry("kubectl-label", "Update", labels("a"))]),
      config: applied({ a: "1" }),
      labels: { a: "1" },
      want: [entry("mgr", "Apply", labels("a")), entry("kubectl-label", "Update", labels("a"))].map((e) =>
        e.manager === "mgr" ? { ...e, time: undefined } : e,
      ),
      changed: false,
    },
    {
      name: "changing a field another manager owns is a conflict",
      live: namespace({ labels: { a: "1" } }, [entry("kubectl-label", "Update", labels("a"))]),
      config: applied({ a: "2" }),
      conflict: 'Apply failed with 1 conflict: conflict with "kubectl-label" using v1: .metadata.labels.a',
    },
    {
      name: "conflicts with appliers name no version; several are listed by manager",
      live: namespace({ labels: { a: "1", b: "1", c: "1" } }, [
        entry("zeta", "Apply", labels("c")),
        entry("kubectl-label", "Update", labels("a", "b")),
      ]),
      config: applied({ a: "2", b: "2", c: "2" }),
      conflict:
        'Apply failed with 3 conflicts: conflicts with "kubectl-label" using v1:\n- .metadata.labels.a\n- .metadata.labels.b\nconflicts with "zeta":\n- .metadata.labels.c',
    },
    {
      name: "force takes the field from its owner",
      live: namespace({ labels: { a: "1", b: "1" } }, [entry("kubectl-label", "Update", labels("a", "b"))]),
      config: applied({ a: "2" }),
      force: true,
      labels: { a: "2", b: "1" },
      want: [entry("mgr", "Apply", labels("a"), T2), entry("kubectl-label", "Update", labels("b"))],
      changed: true,
    },
    {
      name: "an object never tracked is first owned by before-first-apply",
      live: namespace({ labels: { a: "1" } }),
      config: applied({ b: "2" }),
      labels: { a: "1", b: "2" },
      want: [
        entry("mgr", "Apply", labels("b"), T2),
        entry(
          "before-first-apply",
          "Update",
          { "f:metadata": { "f:labels": { ".": {}, "f:a": {} } }, "f:spec": { "f:finalizers": {} } },
          T2,
        ),
      ],
      changed: true,
    },
    {
      name: "kubectl takes over fields client-side apply last set, without a conflict",
      live: namespace(
        {
          labels: { a: "1" },
          annotations: {
            [lastApplied]:
              '{"apiVersion":"v1","kind":"Namespace","metadata":{"labels":{"a":"1"},"name":"x"}}\n',
          },
        },
        [
          entry("kubectl-client-side-apply", "Update", {
            "f:metadata": {
              "f:annotations": { ".": {}, [`f:${lastApplied}`]: {} },
              "f:labels": { ".": {}, "f:a": {} },
            },
          }),
        ],
      ),
      config: applied({ a: "2" }),
      manager: "kubectl",
      labels: { a: "2" },
      want: [
        entry("kubectl", "Apply", labels("a"), T2),
        // The labels map itself stays theirs: a member without children is written as {}.
        entry("kubectl-client-side-apply", "Update", {
          "f:metadata": { "f:annotations": { ".": {}, [`f:${lastApplied}`]: {} }, "f:labels": {} },
        }),
      ],
      changed: true,
    },
    {
      name: "but not over fields client-side apply did not set",
      live: namespace({ labels: { a: "1" } }, [entry("kubectl-client-side-apply", "Update", labels("a"))]),
      config: applied({ a: "2" }),
      manager: "kubectl",
      conflict:
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .metadata.labels.a',
    },
    {
      name: "status in the configuration is not owned through the main endpoint",
      live: null,
      config: applied({ a: "1" }, { status: { phase: "Terminating" } }),
      labels: { a: "1" },
      want: [entry("mgr", "Apply", labels("a"), T2)],
      changed: true,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const scope = { kind: c.kind ?? namespaceKind, subresource: "" };
      const run = () => applyConfiguration(scope, c.live, c.config, c.manager ?? "mgr", c.force ?? false, T2);
      if (c.conflict) {
        const err = conflictOf(run);
        expect(err.code).toBe(409);
        expect(err.reason).toBe("Conflict");
        expect(err.message).toBe(c.conflict);
        expect(err.details?.causes?.length).toBe(c.conflict.split(".metadata").length - 1);
        return;
      }
      const { object, changed } = run();
      expect(object.metadata.labels).toEqual(c.labels);
      expect(JSON.parse(JSON.stringify(object.metadata.managedFields ?? null))).toEqual(
        JSON.parse(JSON.stringify(c.want ?? null)),
      );
      expect(changed).toBe(c.changed);
    });

  it("rewrites the last-applied annotation when kubectl applies", () => {
    const live = namespace({ labels: { a: "1" }, annotations: { [lastApplied]: "{}\n" } }, [
      entry("kubectl", "Apply", labels("a")),
    ]);
    const { object } = applyConfiguration(ns, live, applied({ a: "1", b: "<2>" }), "kubectl", false, T2);
    expect(object.metadata.annotations?.[lastApplied]).toBe(
      '{"apiVersion":"v1","kind":"Namespace","metadata":{"labels":{"a":"1","b":"\\u003c2\\u003e"},"name":"x"}}\n',
    );
  });

  it("merges and prunes keyed list items by key", () => {
    const live: KubeObject = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: "s",
        uid: "u",
        managedFields: [
          entry("mgr", "Apply", { "f:secrets": { 'k:{"name":"a"}': {}, 'k:{"name":"b"}': {} } }),
          entry("kubectl-patch", "Update", { "f:secrets": { 'k:{"name":"c"}': {} } }),
        ],
      },
      secrets: [{ name: "a" }, { name: "b" }, { name: "c" }],
    };
    const config: KubeObject = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "s" },
      secrets: [{ name: "a" }, { name: "d" }],
    };
    const { object } = applyConfiguration(sa, live, config, "mgr", false, T2);
    expect(object.secrets).toEqual([{ name: "a" }, { name: "c" }, { name: "d" }]);
    expect(object.metadata.managedFields?.[0]?.fieldsV1).toEqual({
      "f:secrets": { 'k:{"name":"a"}': {}, 'k:{"name":"d"}': {} },
    });
  });

  it("answers unreadable stored managedFields with a 500", () => {
    const live = namespace({}, [{ manager: "x", operation: "Update", apiVersion: "v1" }]);
    const err = conflictOf(() => applyConfiguration(ns, live, applied({ a: "1" }), "mgr", false, T2));
    expect(err.code).toBe(500);
    expect(err.message).toBe(
      "Internal error occurred: failed to decode managed fields: missing fieldsType in managed fields entry 0",
    );
  });
});

describe("entries read once and kept (the sets read from a FieldsV1 form are shared)", () => {
  it("gives each object its own result from the same stored form", () => {
    const stored = (): KubeObject => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "a",
        labels: { x: "1", y: "2" },
        managedFields: [
          entry("one", "Update", { "f:metadata": { "f:labels": { ".": {}, "f:x": {}, "f:y": {} } } }),
        ],
      },
    });
    // Two objects read with the same entries: one loses a field to another manager, the other
    // is untouched; the second must still own both labels.
    const firstLive = stored();
    const first = structuredClone(firstLive);
    (first.metadata.labels as Record<string, string>).x = "changed";
    recordUpdate(ns, firstLive, first, "two", T1);
    expect(first.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ["one", { "f:metadata": { "f:labels": { ".": {}, "f:y": {} } } }],
      ["two", { "f:metadata": { "f:labels": { "f:x": {} } } }],
    ]);
    const secondLive = stored();
    const second = structuredClone(secondLive);
    (second.metadata.labels as Record<string, string>).z = "3";
    recordUpdate(ns, secondLive, second, "two", T1);
    expect(second.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ["one", { "f:metadata": { "f:labels": { ".": {}, "f:x": {}, "f:y": {} } } }],
      ["two", { "f:metadata": { "f:labels": { "f:z": {} } } }],
    ]);
  });

  it("keeps a manager's stored form when it changes only fields it owns, with the write's time", () => {
    const form = { "f:metadata": { "f:labels": { ".": {}, "f:x": {}, "f:y": {} } } };
    const live: KubeObject = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "a", labels: { x: "1", y: "2" }, managedFields: [entry("one", "Update", form)] },
    };
    // As a client sends it, without managedFields: the stored ones are the starting point.
    const next = structuredClone(live);
    delete next.metadata.managedFields;
    (next.metadata.labels as Record<string, string>).x = "changed";
    recordUpdate(ns, live, next, "one", T1);
    const entries = (o: KubeObject) => o.metadata.managedFields ?? [];
    expect(entries(next).map((e) => [e.manager, e.time, e.fieldsV1])).toEqual([["one", T1, form]]);
    // The very form read, not one encoded again.
    expect(entries(next)[0]?.fieldsV1).toBe(entries(live)[0]?.fieldsV1);
    // A field it did not own joins its set.
    const more = structuredClone(next);
    delete more.metadata.managedFields;
    (more.metadata.labels as Record<string, string>).z = "3";
    recordUpdate(ns, next, more, "one", T2);
    expect(entries(more)[0]?.fieldsV1).toEqual({
      "f:metadata": { "f:labels": { ".": {}, "f:x": {}, "f:y": {}, "f:z": {} } },
    });
  });

  it("refuses a malformed form every time it is read", () => {
    const entries = [entry("one", "Update", { "f:metadata": "oops" } as Fields)];
    for (let i = 0; i < 2; i++)
      expect(() => decodeManagedFields(entries, true)).toThrow("fieldsV1 must be a JSON object");
  });
});
