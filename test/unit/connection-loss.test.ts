import { describe, expect, it } from "vitest";
import { isConnectionLoss } from "../../db/connection.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("an error that escapes a database client", () => {
  it("is a lost connection when Postgres went away under it", () => {
    // What pg throws failing a job on a socket Postgres closed (seen on a Ctrl-C of the group).
    expect(isConnectionLoss(withCode("write EPIPE", "EPIPE"))).toBe(true);
    expect(isConnectionLoss(withCode("read ECONNRESET", "ECONNRESET"))).toBe(true);
    expect(isConnectionLoss(withCode("terminating connection due to administrator command", "57P01"))).toBe(
      true,
    );
    const closed = new TypeError("Cannot read properties of null (reading 'write')");
    closed.stack = `TypeError: ${closed.message}\n    at nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)`;
    expect(isConnectionLoss(closed)).toBe(true);
  });

  it("is anything else a crash", () => {
    expect(isConnectionLoss(new TypeError("x is not a function"))).toBe(false);
    expect(isConnectionLoss(withCode("duplicate key", "23505"))).toBe(false);
    expect(isConnectionLoss(new Error("boom"))).toBe(false);
    expect(isConnectionLoss(null)).toBe(false);
    expect(isConnectionLoss("a string")).toBe(false);
  });
});
