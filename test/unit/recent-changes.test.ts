import { describe, expect, it } from "vitest";
import { type LoggedChange, RecentChanges } from "../../db/store/recent-changes.ts";

/** Changes `from + 1` to `to` of ConfigMaps in "default", each named after its revision. */
function changes(from: number, to: number, resource = "configmaps"): LoggedChange[] {
  return Array.from({ length: to - from }, (_, i) => {
    const revision = from + i + 1;
    const name = `c${revision}`;
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" } };
    return { revision, resource, namespace: "default", name, type: "ADDED", body: JSON.stringify(body) };
  });
}

/** Commits changes `from + 1` to `to` as one transaction of sandbox "s". */
function commit(recent: RecentChanges, from: number, to: number, chainable = true, resource?: string) {
  recent.committing("s", from, to, changes(from, to, resource), chainable)(true);
}

const revisions = (found: { revision: number }[] | null) => found?.map((c) => c.revision) ?? null;

describe("what a process keeps of its recent commits", () => {
  it("answers a reader from a chain of commits, with each object as served (its resourceVersion in)", async () => {
    const recent = new RecentChanges();
    commit(recent, 10, 12);
    commit(recent, 12, 13);
    const found = await recent.after("s", 10, 13);
    expect(revisions(found)).toEqual([11, 12, 13]);
    expect(found?.[0]?.object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c11", namespace: "default", resourceVersion: "11" },
    });
    // From the middle of a commit too, and nothing to read when the reader is up to date.
    expect(revisions(await recent.after("s", 11, 13))).toEqual([12, 13]);
    expect(revisions(await recent.after("s", 13, 13))).toEqual([]);
  });

  it("reads the log when a notice names a revision it does not hold, or the reader is behind it", async () => {
    const recent = new RecentChanges();
    commit(recent, 10, 12);
    // Another process committed 13: this one never saw it.
    expect(await recent.after("s", 12, 13)).toBeNull();
    // Before the first commit it kept.
    expect(await recent.after("s", 9, 12)).toBeNull();
    expect(await recent.after("other", 0, 1)).toBeNull();
  });

  it("starts over at a gap: what came before it is never served across it", async () => {
    const recent = new RecentChanges();
    commit(recent, 10, 12);
    // 13 came from another process; this one's next commit starts at 13.
    commit(recent, 13, 14);
    expect(await recent.after("s", 10, 14)).toBeNull();
    expect(revisions(await recent.after("s", 13, 14))).toEqual([14]);
  });

  it("keeps nothing of a commit with a sealed kind, and breaks the chain there", async () => {
    const recent = new RecentChanges();
    commit(recent, 10, 12);
    commit(recent, 12, 13, false, "secrets");
    commit(recent, 13, 14);
    expect(await recent.after("s", 10, 14)).toBeNull();
    expect(await recent.after("s", 12, 14)).toBeNull();
    expect(revisions(await recent.after("s", 13, 14))).toEqual([14]);
  });

  it("keeps nothing of a commit that failed", async () => {
    const recent = new RecentChanges();
    commit(recent, 10, 12);
    recent.committing("s", 12, 13, changes(12, 13), true)(false);
    expect(await recent.after("s", 10, 13)).toBeNull();
    expect(revisions(await recent.after("s", 10, 12))).toEqual([11, 12]);
  });

  it("waits for a commit still being answered when a notice names it", async () => {
    const recent = new RecentChanges();
    commit(recent, 10, 12);
    const settle = recent.committing("s", 12, 13, changes(12, 13), true);
    const found = recent.after("s", 12, 13);
    settle(true);
    expect(revisions(await found)).toEqual([13]);
    // One that fails meanwhile leaves the reader to the log.
    const failing = recent.committing("s", 13, 14, changes(13, 14), true);
    const none = recent.after("s", 13, 14);
    failing(false);
    expect(await none).toBeNull();
  });

  it("picks the changes a reader wants before reading them", async () => {
    const recent = new RecentChanges();
    recent.committing("s", 0, 3, [...changes(0, 2), ...changes(2, 3, "pods")], true)(true);
    const pods = await recent.after("s", 0, 3, (c) => c.resource === "pods");
    expect(pods?.map((c) => c.name)).toEqual(["c3"]);
  });

  it("is bounded per sandbox, and forgets everything when the log is compacted", async () => {
    const recent = new RecentChanges();
    for (let rev = 0; rev < 300; rev++) commit(recent, rev, rev + 1);
    // At most 256 changes stay: the oldest went first.
    expect(await recent.after("s", 10, 300)).toBeNull();
    expect((await recent.after("s", 44, 300))?.length).toBe(256);
    expect(recent.reaches("s", 299)).toBe(true);
    recent.forgetAll();
    expect(await recent.after("s", 299, 300)).toBeNull();
    expect(recent.reaches("s", 299)).toBe(false);
  });
});
