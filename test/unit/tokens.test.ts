import { afterEach, describe, expect, it, vi } from "vitest";
import { sandboxAudience, signToken, userAudience, verifyToken } from "../../auth/tokens.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const key = () => crypto.getRandomValues(new Uint8Array(32));
const spec = (now: number, ttlSeconds: number, sandboxId: string | null = "sb-1") => ({
  tokenId: "tok-1",
  userId: "user-1",
  sandboxId,
  issuedAt: new Date(now),
  expiresAt: new Date(now + ttlSeconds * 1000),
});

describe("token verification", () => {
  it("checks a token's signature once, and its expiry and audience on every use", async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ["Date"] });
    const k = key();
    const token = await signToken(k, spec(Date.now(), 60));
    const verify = vi.spyOn(crypto.subtle, "verify");
    const claims = { tokenId: "tok-1", userId: "user-1", sandboxId: "sb-1" };
    expect(await verifyToken(k, token, [sandboxAudience])).toEqual(claims);
    expect(await verifyToken(k, token, [sandboxAudience, userAudience])).toEqual(claims);
    expect(verify).toHaveBeenCalledTimes(1);
    // Known, but not for what is asked now.
    expect(await verifyToken(k, token, [userAudience])).toBeNull();
    vi.setSystemTime(Date.now() + 60_000);
    expect(await verifyToken(k, token, [sandboxAudience])).toBeNull();
  });

  it("refuses a token signed with another key, a changed token, and one verified under another key", async () => {
    const k = key();
    const token = await signToken(k, spec(Date.now(), 60));
    expect(await verifyToken(k, token, [sandboxAudience])).not.toBeNull();
    expect(await verifyToken(key(), token, [sandboxAudience])).toBeNull();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
    forged.sub = "someone-else";
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;
    expect(await verifyToken(k, tampered, [sandboxAudience])).toBeNull();
    expect(await verifyToken(k, `${token}x`, [sandboxAudience])).toBeNull();
  });

  it("tells login tokens from sandbox tokens", async () => {
    const k = key();
    const login = await signToken(k, spec(Date.now(), 60, null));
    expect(await verifyToken(k, login, [userAudience])).toEqual({
      tokenId: "tok-1",
      userId: "user-1",
      sandboxId: null,
    });
    expect(await verifyToken(k, login, [sandboxAudience])).toBeNull();
  });
});

describe("service account tokens", () => {
  const account = { namespace: "default", name: "robot", uid: "uid-1" };
  it("are sandbox tokens when meant for the API server, and none of ours when meant for others", async () => {
    const k = key();
    const now = Date.now();
    const forApi = await signToken(k, { ...spec(now, 60), serviceAccount: account });
    expect(await verifyToken(k, forApi, [sandboxAudience, userAudience])).toEqual({
      tokenId: "tok-1",
      userId: "user-1",
      sandboxId: "sb-1",
      serviceAccount: account,
    });
    const payload = JSON.parse(Buffer.from(forApi.split(".")[1] ?? "", "base64url").toString());
    expect(payload.aud).toEqual(["https://kubernetes.default.svc.cluster.local"]);
    expect(payload["kubernetes.io"]).toEqual({
      namespace: "default",
      serviceaccount: { name: "robot", uid: "uid-1" },
    });
    const forVault = await signToken(k, { ...spec(now, 60), serviceAccount: account, audiences: ["vault"] });
    expect(await verifyToken(k, forVault, [sandboxAudience, userAudience])).toBeNull();
    const both = await signToken(k, {
      ...spec(now, 60),
      serviceAccount: account,
      audiences: ["vault", "https://kubernetes.default.svc.cluster.local"],
    });
    expect(await verifyToken(k, both, [sandboxAudience])).not.toBeNull();
    expect(await verifyToken(k, both, [userAudience])).toBeNull();
  });
});
