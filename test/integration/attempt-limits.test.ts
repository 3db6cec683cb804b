import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

/** Log-in and sign-up attempts per account and per address: 429 with Retry-After past them. */
const t = testApp({
  limits: { logInsPerAccount: 5, logInsPerAddress: 8, signUpsPerAddress: 3, attemptWindowSeconds: 60 },
});

const signUp = "mutation($e:String!,$p:String!){signUp(email:$e,password:$p){token}}";
const logIn = "mutation($e:String!,$p:String!){logIn(email:$e,password:$p){token}}";

/** A GraphQL call from a client address, as the listener hands it to the app. */
async function from(address: string | null, query: string, variables: Record<string, unknown>) {
  const res = await t.app.request(
    "/graphql",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    },
    address ? { clientAddress: address } : {},
  );
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as any };
}

const email = () => `limits-${randomBytes(6).toString("hex")}@example.com`;
const address = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join(".")}`;

describe("log-in attempts per account", () => {
  it("past the limit even the right password is refused with 429 and Retry-After", async () => {
    const e = email();
    expect((await from(null, signUp, { e, p: "correct-horse-9" })).body.errors).toBeUndefined();
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await from(address(), logIn, { e, p: `wrong-password-${i}` }));
    // Five wrong ones are answered as wrong; the rest are not even checked.
    expect(answers.slice(0, 5).map((a) => a.body.errors?.[0]?.extensions?.code)).toEqual(
      Array(5).fill("UNAUTHENTICATED"),
    );
    for (const a of answers.slice(5)) {
      expect(a.status).toBe(429);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(a.body.errors[0]).toMatchObject({
        extensions: { code: "TOO_MANY_REQUESTS" },
        message: expect.stringMatching(/^too many log-in attempts: try again in \d+ seconds$/),
      });
    }
    const right = await from(address(), logIn, { e, p: "correct-horse-9" });
    expect(right.status).toBe(429);
    expect(right.body.data).toBeNull();
  });

  it("a sign-up with an account's email is a log-in to it, from the same budget", async () => {
    const e = email();
    expect((await from(null, signUp, { e, p: "correct-horse-9" })).body.errors).toBeUndefined();
    // Each from its own address: only the account's budget is shared.
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await from(address(), signUp, { e, p: `wrong-password-${i}` }));
    for (let i = 0; i < 2; i++) answers.push(await from(address(), logIn, { e, p: `wrong-password-${i}` }));
    expect(answers.map((a) => a.body.errors?.[0]?.message)).toEqual(
      Array(5).fill("invalid email or password"),
    );
    // The account's five log-in attempts are spent, by sign-ups and log-ins alike.
    const right = await from(address(), signUp, { e, p: "correct-horse-9" });
    expect(right.status).toBe(429);
    expect(right.body.errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
  });

  it("an unknown account is limited the same, so the answers tell nothing", async () => {
    const e = email();
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await from(null, logIn, { e, p: "whatever-password" }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it("attempts at once cannot all slip through", async () => {
    const e = email();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => from(null, logIn, { e, p: "whatever-password" })),
    );
    expect(answers.filter((a) => a.status !== 429)).toHaveLength(5);
  });
});

describe("attempts per address", () => {
  it("log-ins from one address at many accounts stop at its limit; another address is not held up", async () => {
    const a = address();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await from(a, logIn, { e: email(), p: "whatever-password" }));
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    expect((await from(address(), logIn, { e: email(), p: "whatever-password" })).status).toBe(200);
  });

  it("sign-ups from one address stop at its limit", async () => {
    const a = address();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await from(a, signUp, { e: email(), p: "correct-horse-9" }));
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]?.body.errors[0].message).toMatch(
      /^too many sign-up attempts: try again in \d+ seconds$/,
    );
    expect((await from(address(), signUp, { e: email(), p: "correct-horse-9" })).body.errors).toBeUndefined();
  });
});
