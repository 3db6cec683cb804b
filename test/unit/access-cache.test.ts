import { afterEach, describe, expect, it, vi } from "vitest";
import { cachedGrant, forgetGrants, rememberGrant } from "../../accounts/access-cache.ts";

afterEach(() => vi.useRealTimers());

describe("the access cache", () => {
  it("keeps a grant for at most ten seconds, and never past the token's expiry", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    rememberGrant("t1", "s1", 1_000_000 + 60_000);
    rememberGrant("t2", "s1", 1_000_000 + 3_000);
    expect(cachedGrant("t1", "s1")).toBe("owner");
    expect(cachedGrant("t1", "s2")).toBeNull();
    vi.setSystemTime(1_000_000 + 3_000);
    expect(cachedGrant("t2", "s1")).toBeNull();
    expect(cachedGrant("t1", "s1")).toBe("owner");
    vi.setSystemTime(1_000_000 + 10_000);
    expect(cachedGrant("t1", "s1")).toBeNull();
  });

  it("forgets a revoked token's grants, and every grant into a deleted sandbox", () => {
    const far = Date.now() + 60_000;
    rememberGrant("a", "s1", far);
    rememberGrant("a", "s2", far);
    rememberGrant("b", "s2", far);
    forgetGrants("token:a");
    expect([cachedGrant("a", "s1"), cachedGrant("a", "s2"), cachedGrant("b", "s2")]).toEqual([
      null,
      null,
      "owner",
    ]);
    forgetGrants("sandbox:s2");
    expect(cachedGrant("b", "s2")).toBeNull();
  });
});
