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
