import { Writable } from "node:stream";
import { DrizzleQueryError } from "drizzle-orm/errors";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { logOptions } from "../../log.ts";

/** What the service's logger writes for one call, parsed. */
function logged(write: (log: pino.Logger) => void): Record<string, any> {
  let line = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      line += chunk.toString();
      done();
    },
  });
  write(pino({ ...logOptions, level: "info" }, sink));
  return JSON.parse(line);
}

describe("the log holds no credential and no written value", () => {
  it("drops the parameters of a failed drizzle query (an email, a password hash)", () => {
    const cause = Object.assign(new Error("duplicate key value violates unique constraint"), {
      parameters: ["me@example.com", "$argon2id$v=19$secret-hash"],
    });
    const err = new DrizzleQueryError(
      "insert into users values ($1, $2)",
      ["me@example.com", "$argon2id$v=19$secret-hash"],
      cause,
    );
    const line = logged((log) => log.error({ err }, "unexpected error"));
    const text = JSON.stringify(line);
    expect(text).not.toContain("secret-hash");
    expect(text).not.toContain("me@example.com");
    expect(line.err.message).toMatch(/^Failed query: insert into users/);
  });

  it("censors passwords and tokens wherever a caller puts them", () => {
    const line = logged((log) =>
      log.info({ password: "p4ss", args: { token: "t0k" }, headers: { authorization: "Bearer x" } }),
    );
    expect(JSON.stringify(line)).not.toMatch(/p4ss|t0k|Bearer x/);
  });
});
