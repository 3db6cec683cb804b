import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

/** People who sign up; the email is stored lower-cased. */
export const users = pgTable("users", {
  id: uuid("id").primaryKey(),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every token handed out (login tokens and sandbox tokens), so that one can be revoked by id.
 * A sandbox token names its sandbox; a login token does not.
 */
export const tokens = pgTable(
  "tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sandboxId: uuid("sandbox_id"),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /**
     * What the token may do in its sandbox (accounts/permissions.ts): "owner" everything,
     * "read" what the API server's `view` role allows (an instructor's kubeconfig of a student's
     * sandbox). Login tokens are "owner": what they reach is decided per sandbox.
     */
    scope: text("scope").notNull().default("owner"),
    /** A name the owner gave a kubeconfig token, to tell several apart. */
    label: text("label"),
  },
  (t) => [index("tokens_sandbox_idx").on(t.sandboxId)],
);

/**
 * One simulated cluster. `revision` is the cluster's etcd-like counter: every write bumps it and
 * the new value becomes the written object's resourceVersion.
 */
export const sandboxes = pgTable(
  "sandboxes",
  {
    id: uuid("id").primaryKey(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    revision: bigint("revision", { mode: "number" }).notNull().default(0),
    /** The change log holds revisions after this one; older watches get 410 Gone. */
    compactedRevision: bigint("compacted_revision", { mode: "number" }).notNull().default(0),
    /**
     * How many objects the sandbox holds, and the bytes of their stored JSON: kept by every
     * write's commit (SandboxWriter), read with the sandbox's lock, so the per-sandbox limits cost
     * no query of their own.
     */
    objectCount: integer("object_count").notNull().default(0),
    objectBytes: bigint("object_bytes", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("sandboxes_owner_name_key").on(t.ownerId, t.name)],
);

/**
 * The generic object store: every Kubernetes object of every sandbox. `body` holds the object as
 * served, less `metadata.resourceVersion`, which comes from `resource_version`. Cluster-scoped
 * objects have namespace ''.
 */
export const objects = pgTable(
  "objects",
  {
    sandboxId: uuid("sandbox_id").notNull(),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    uid: uuid("uid").notNull(),
    resourceVersion: bigint("resource_version", { mode: "number" }).notNull(),
    body: jsonb("body").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sandboxId, t.resource, t.namespace, t.name] }),
    // The GIN indexes write straight into their trees (fastupdate off): with a pending list, every
    // scan read the whole list of recent writes (megabytes under a class's load), so finding a
    // deleted object's dependents took about 3 ms where it takes a few hundredths.
    index("objects_labels_idx")
      .using("gin", sql`(${t.body} -> 'metadata' -> 'labels') jsonb_path_ops`)
      .with({ fastupdate: false }),
    // Events by the object they are about: the recorder's aggregation and `kubectl describe`.
    index("objects_event_subject_idx")
      .on(t.sandboxId, sql`(${t.body} -> 'involvedObject' ->> 'uid')`)
      .where(sql`${t.resource} = 'events'`),
    // Pods a kubelet took on and has not started (a Secret or ConfigMap they need may be
    // missing): every Secret and ConfigMap write asks whether its namespace has one.
    index("objects_waiting_pods_idx")
      .on(t.sandboxId, t.namespace)
      .where(
        sql`${t.resource} = 'pods' AND ${t.body} -> 'status' ->> 'phase' = 'Pending' AND ${t.body} -> 'status' ? 'hostIP'`,
      ),
    // Dependents by owner uid, for the garbage collector.
    index("objects_owner_refs_idx")
      .using("gin", sql`(${t.body} -> 'metadata' -> 'ownerReferences') jsonb_path_ops`)
      .with({ fastupdate: false }),
  ],
);

/**
 * The change log: one row per write, in revision order per sandbox. Watches replay it from the
 * revision they hold; `object` is the object after the write (before it, for DELETED).
 */
export const changes = pgTable(
  "changes",
  {
    sandboxId: uuid("sandbox_id").notNull(),
    revision: bigint("revision", { mode: "number" }).notNull(),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    object: jsonb("object").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sandboxId, t.revision] }),
    index("changes_created_at_idx").on(t.createdAt),
  ],
);

/**
 * Key-encryption keys (KEKs) the database has been used with, by `kid` (the key's JWK
 * thumbprint). The keys themselves never come here: `check` is a JWE of a fixed text under the
 * KEK, which proves at start-up that the configured KEK is the one the data was wrapped with.
 * A row is removed when its KEK is retired.
 */
export const keyEncryptionKeys = pgTable("key_encryption_keys", {
  kid: text("kid").primaryKey(),
  check: text("check").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Each sandbox's data keys (envelope encryption of Secrets): `wrapped` is the data key as a
 * compact JWE under the KEK named by `kek_kid` (also its `kid` header). A sandbox normally has
 * one; re-encryption adds a fresh one and removes the old in the same transaction.
 */
export const sandboxKeys = pgTable(
  "sandbox_keys",
  {
    sandboxId: uuid("sandbox_id")
      .notNull()
      .references(() => sandboxes.id, { onDelete: "cascade" }),
    kid: text("kid").notNull(),
    kekKid: text("kek_kid").notNull(),
    wrapped: text("wrapped").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sandboxId, t.kid] }), index("sandbox_keys_kek_idx").on(t.kekKid)],
);

/**
 * A class: its instructor, the sandbox students' sandboxes are forked from (none: they start
 * empty), how many may join, and the code that lets them.
 */
export const classrooms = pgTable(
  "classrooms",
  {
    id: uuid("id").primaryKey(),
    instructorId: uuid("instructor_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    seats: integer("seats").notNull(),
    templateSandboxId: uuid("template_sandbox_id").references(() => sandboxes.id, { onDelete: "set null" }),
    joinCode: text("join_code").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("classrooms_instructor_idx").on(t.instructorId)],
);

/**
 * A student of a class, the sandbox they got on joining, and the limits the instructor set for
 * them (null: the service's defaults).
 */
export const classroomStudents = pgTable(
  "classroom_students",
  {
    classroomId: uuid("classroom_id")
      .notNull()
      .references(() => classrooms.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sandboxId: uuid("sandbox_id").references(() => sandboxes.id, { onDelete: "set null" }),
    maxSandboxes: integer("max_sandboxes"),
    maxObjects: integer("max_objects"),
    maxPods: integer("max_pods"),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.classroomId, t.userId] }),
    index("classroom_students_user_idx").on(t.userId),
    index("classroom_students_sandbox_idx").on(t.sandboxId),
  ],
);

/**
 * Log-in and sign-up attempts, as a rate per key (a hash of "login:account:<email>",
 * "login:address:<ip>", …): `until` is when the key's budget is whole again (GCRA's theoretical
 * arrival time). A row whose `until` has passed means nothing and may be removed.
 */
export const attemptLimits = pgTable(
  "attempt_limits",
  {
    key: text("key").primaryKey(),
    until: timestamp("until", { withTimezone: true }).notNull(),
  },
  (t) => [index("attempt_limits_until_idx").on(t.until)],
);

/** Bytes, as Postgres's bytea (files a container writes). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * What containers write (db/pods/files.ts): a container's writable layer (scope `c/<container
 * name>/<containerID>`, gone when it restarts), an emptyDir (`v/<volume>`, shared by the pod's
 * containers), a hostPath (pod_uid `node:<node>`, scope `h/<path>`, kept per node). Files of a
 * pod go with it. Secret and ConfigMap volumes are never stored: they are made from the objects
 * for each request (a secret's plaintext only in memory).
 */
export const podFiles = pgTable(
  "pod_files",
  {
    sandboxId: uuid("sandbox_id").notNull(),
    podUid: text("pod_uid").notNull(),
    scope: text("scope").notNull(),
    path: text("path").notNull(),
    /** A directory (content empty), or a file; a deleted image file is a whiteout. */
    kind: text("kind").notNull(),
    mode: integer("mode").notNull(),
    content: bytea("content").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sandboxId, t.podUid, t.scope, t.path] })],
);

/**
 * The pod journal (db/pods/journal.ts): lines written to a container's log by other processes
 * (a server's access log line for a request a loop made), by container run. `source` names the
 * write (the writing run and its position), so a program evaluated again writes each line once;
 * a line with `period_ms` repeats every period from `at_ms`.
 */
export const podLogLines = pgTable(
  "pod_log_lines",
  {
    sandboxId: uuid("sandbox_id").notNull(),
    podUid: text("pod_uid").notNull(),
    containerId: text("container_id").notNull(),
    source: text("source").notNull(),
    atMs: bigint("at_ms", { mode: "number" }).notNull(),
    periodMs: bigint("period_ms", { mode: "number" }),
    stream: text("stream").notNull(),
    text: text("text").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sandboxId, t.podUid, t.containerId, t.source] }),
    index("pod_log_lines_time_idx").on(t.sandboxId, t.containerId, t.atMs),
  ],
);

/**
 * A container run's settled evaluation (db/pods/runs.ts): once its program has ended, or has
 * been found to repeat, what it writes up to any time is known, and kept here instead of being
 * evaluated again.
 */
export const containerRuns = pgTable(
  "container_runs",
  {
    sandboxId: uuid("sandbox_id").notNull(),
    podUid: text("pod_uid").notNull(),
    containerId: text("container_id").notNull(),
    evaluation: jsonb("evaluation").notNull(),
    /** Whether its appends to other logs were written to the journal. */
    journaled: boolean("journaled").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.sandboxId, t.podUid, t.containerId] })],
);
