/**
 * The few members of a Cloudflare D1 binding the adapter uses, typed structurally so users need
 * not install `@cloudflare/workers-types` (its `D1Database` satisfies {@link D1DatabaseLike}),
 * and the binding's limit on parameters.
 * @module
 */

/** D1's limit on bound parameters per statement. */
export const D1_MAX_PARAMS = 100

/** Execution facts D1 reports per statement (`meta` of `run()`, `all()` and each `batch()` result). */
export interface D1MetaLike {
  readonly changes?: number | undefined
  readonly last_row_id?: number | undefined
}

/** One result of `run()`, `all()` or `batch()`: rows as objects keyed by column name. */
export interface D1ResultLike {
  readonly results?: readonly unknown[] | undefined
  readonly meta?: D1MetaLike | undefined
}

/** A prepared statement (`D1PreparedStatement`). */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike
  /** Meta only: the cheapest form for writes (`resultsFormat=NONE`). */
  run(): Promise<D1ResultLike>
  /** Rows as arrays, the column names first; no meta. */
  raw(options: { columnNames: true }): Promise<unknown[][]>
}

/** A D1 database binding (`env.DB`), or a session of one (`env.DB.withSession()`). */
export interface D1DatabaseLike {
  prepare(sql: string): D1PreparedStatementLike
  batch(statements: D1PreparedStatementLike[]): Promise<D1ResultLike[]>
}
