/**
 * The `d1` adapter: Cloudflare D1 through a Worker's binding (`env.DB`). No runtime dependency;
 * the binding is typed structurally ({@link D1DatabaseLike}).
 *
 * ```ts
 * import { d1 } from 'edgealchemy/d1'
 * export default {
 *   async fetch(req: Request, env: Env) {
 *     const engine = createAsyncEngine(d1(env.DB))
 *     ...
 *   },
 * }
 * ```
 *
 * - One statement is one request. Queries and statements with RETURNING are read with
 *   `raw({ columnNames: true })`: rows as arrays, so duplicate column names from joins survive.
 *   `raw()` returns no meta, so a RETURNING statement's `rowsAffected` is the number of rows it
 *   returned (SQLite returns one row per changed row) and it has no `lastInsertId`; a query's
 *   `rowsAffected` is -1. Other writes use `run()` (meta only): `rowsAffected` is
 *   `meta.changes`, and an INSERT's `lastInsertId` is `meta.last_row_id`.
 * - `batch()` is one `binding.batch([...])` call, run by D1 in one storage transaction: a
 *   failing statement leaves nothing behind. D1 returns batch rows only as objects keyed by
 *   column name: in a batch, duplicate column names collapse to the last one and a statement
 *   that returned no rows reports no column names. Label columns uniquely in batched queries.
 * - No interactive transactions, no savepoints: D1 rejects BEGIN/SAVEPOINT, and this adapter
 *   refuses them before sending, naming `engine.batch()` and the session's `commit()`.
 * - At most 100 bound parameters per statement (D1's limit): a statement with more is refused
 *   before anything is sent.
 * - Values: blobs come back as `Uint8Array`; integers as JS numbers (D1 has no bigint: above
 *   2^53 they lose precision). D1 binds every JS number as REAL (`typeof(?)` is `'real'`);
 *   INTEGER and NUMERIC columns store integral values as integers. A bigint parameter is sent as
 *   a number when it is safe, otherwise as its decimal text (an INTEGER column stores that
 *   exactly); `undefined` as NULL.
 * - `AbortSignal`: the request cannot be recalled; an abort settles the call early.
 * @module edgealchemy/d1
 */
import type { Adapter, AdapterCapabilities } from '../../core/engine/adapter.js'
import { ArgumentError } from '../../core/errors.js'
import { d1Adapter } from './adapter.js'
import { D1_MAX_PARAMS, type D1DatabaseLike } from './binding.js'

export type { D1DatabaseLike, D1MetaLike, D1PreparedStatementLike, D1ResultLike } from './binding.js'
export { D1_MAX_PARAMS } from './binding.js'
export { d1ErrorInfo } from './errors.js'

/** What the d1 adapter can do. */
export const d1Capabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: false,
  atomicBatch: true,
  batchRoundTrips: 'one',
  savepoints: false,
  maxParams: D1_MAX_PARAMS,
  streaming: 'paged',
})

/** Options of {@link d1}. */
export interface D1Options {
  /** Strings that must never appear in a kept error. */
  readonly secrets?: readonly string[] | undefined
}

function isBinding(v: unknown): v is D1DatabaseLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as D1DatabaseLike).prepare === 'function' &&
    typeof (v as D1DatabaseLike).batch === 'function'
  )
}

/** The d1 adapter over a D1 binding (`env.DB`) or a D1 session (`env.DB.withSession()`). */
export function d1(binding: D1DatabaseLike, options: D1Options = {}): Adapter {
  if (!isBinding(binding))
    throw new ArgumentError(
      'd1() takes a D1 binding (env.DB in a Worker), an object with prepare() and batch()',
    )
  return d1Adapter(binding, options.secrets ?? [], d1Capabilities)
}
