import { describe, expect, it } from "vitest";
import * as native from "../../auth/argon2/native.ts";
import * as wasm from "../../auth/argon2/wasm.ts";

// The service's own settings (auth/passwords.ts): a user signed up on Node logs in on workerd.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

describe("argon2 on Node and in WebAssembly", () => {
  it("verifies each other's hashes, and refuses a wrong password", async () => {
    const fromNative = await native.argon2Hash("correct-horse-9", options);
    const fromWasm = await wasm.argon2Hash("correct-horse-9", options);
    expect(fromWasm).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await wasm.argon2Verify(fromNative, "correct-horse-9")).toBe(true);
    expect(await native.argon2Verify(fromWasm, "correct-horse-9")).toBe(true);
    expect(await wasm.argon2Verify(fromNative, "correct-horse-8")).toBe(false);
    expect(await native.argon2Verify(fromWasm, "correct-horse-8")).toBe(false);
  });

  it("says no to a malformed hash rather than throwing", async () => {
    expect(await wasm.argon2Verify("not-a-hash", "x")).toBe(false);
    expect(await native.argon2Verify("not-a-hash", "x")).toBe(false);
  });
});
