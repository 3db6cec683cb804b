import { describe, expect, it } from "vitest";
import { socketOptions } from "../../db/connection.ts";

describe("a database URL naming a unix socket", () => {
  it("becomes postgres.js's socket path, as libpq reads ?host=/directory", () => {
    expect(socketOptions("postgres://u:p%40ss@127.0.0.1:5433/app?host=%2Ftmp%2Fpg")).toEqual({
      url: "postgres://u:p%40ss@127.0.0.1:5433/app",
      path: "/tmp/pg/.s.PGSQL.5433",
    });
    expect(socketOptions("postgres://u@localhost/app?host=/var/run/postgresql&sslmode=disable")).toEqual({
      url: "postgres://u@localhost/app?sslmode=disable",
      path: "/var/run/postgresql/.s.PGSQL.5432",
    });
  });

  it("leaves a TCP URL alone, a host parameter naming a host too", () => {
    expect(socketOptions("postgres://u@127.0.0.1:5432/test")).toEqual({
      url: "postgres://u@127.0.0.1:5432/test",
    });
    expect(socketOptions("postgres://u@x/test?host=db.internal")).toEqual({
      url: "postgres://u@x/test?host=db.internal",
    });
  });
});

describe("the queue's connection URL", () => {
  it("asks for asynchronous commits on top of the server options the URL already sets", async () => {
    const { asyncCommitUrl } = await import("../../workers/queue/runner.ts");
    const plain = new URL(asyncCommitUrl("postgres://u@127.0.0.1:5432/test"));
    expect(plain.searchParams.get("options")).toBe("-c synchronous_commit=off");
    const kept = new URL(
      asyncCommitUrl("postgres://u@127.0.0.1:5432/test?options=-c%20search_path%3Dapp&host=/tmp"),
    );
    expect(kept.searchParams.get("options")).toBe("-c search_path=app -c synchronous_commit=off");
    expect(kept.searchParams.get("host")).toBe("/tmp");
  });
});
