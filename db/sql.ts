import type postgres from "postgres";

/** A postgres.js client: the raw SQL of the hot paths goes through it. */
export type Sql = postgres.Sql;

/** Anything raw SQL runs on: the pool or a transaction. */
export type Queryable = postgres.Sql | postgres.TransactionSql;
