/**
 * One pg-protocol connection (node-postgres' `Client` API, which `@neondatabase/serverless`
 * shares): statements sent in array mode with every value left as PostgreSQL text, results read
 * as `RawResult`s, and socket failures noticed while the connection is idle. Web-standard only.
 * @module
 */
import { abortable } from '../../core/engine/abortable.js'
import type { RawResult, Statement } from '../../core/engine/adapter.js'

/** The part of a driver `Client` / `PoolClient` the kit uses. */
export interface PgConnection {
  query(config: {
    text: string
    values?: unknown[]
    rowMode: 'array'
    types: { getTypeParser: () => (value: string) => unknown }
  }): Promise<unknown>
  on(event: 'error' | 'end', listener: (err?: unknown) => void): unknown
}

/** How a driver's errors are read: what the adapter's errors.ts supplies. */
export interface PgErrorReading {
  /** The driver's rejection as an Error (a WebSocket `ErrorEvent` becomes one). */
  toError(err: unknown): unknown
  /** True when the socket or connection failed, not the statement. */
  isTransportError(err: unknown): boolean
}

/** A driver result in array mode. */
export interface PgResult {
  readonly fields?: readonly { readonly name: string; readonly dataTypeID: number }[]
  readonly rows?: unknown[][]
  readonly rowCount?: number | null
  readonly command?: string
}

/** Every value stays PostgreSQL text output; the dialect decodes by declared type. */
const keepText = (value: string): unknown => value
const rawTypes = { getTypeParser: () => keepText }

/** Connections whose socket failed while idle or between statements. */
const failed = new WeakSet<object>()
const watched = new WeakSet<object>()

/** True once the connection's socket failed. */
export function hasFailed(conn: object): boolean {
  return failed.has(conn)
}

/**
 * Marks the connection when its socket fails or closes; a failure outside a query (an idle
 * socket dropped) is then no unhandled `error` event.
 */
export function watch(conn: PgConnection): void {
  if (watched.has(conn)) return
  watched.add(conn)
  const mark = () => {
    failed.add(conn)
  }
  conn.on('error', mark)
  conn.on('end', mark)
}

function toValues(params: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(params.length)
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    out[i] = v === undefined ? null : typeof v === 'bigint' ? v.toString() : v
  }
  return out
}

/** A driver result in array mode: column names, OIDs, text values. */
export function toRawResult(result: unknown): RawResult {
  // several statements in one simple query give one result each; the last one counts
  const r = (Array.isArray(result) ? result[result.length - 1] : result) as PgResult | undefined
  const fields = r?.fields ?? []
  const count = r?.rowCount
  return {
    columns: fields.map((f) => f.name),
    columnTypes: fields.map((f) => f.dataTypeID),
    rows: r?.rows ?? [],
    rowsAffected: typeof count === 'number' ? count : -1,
  }
}

/** Runs one statement on a connection; the driver's own result (its errors as Errors). */
export async function queryPg(
  conn: PgConnection,
  stmt: Statement,
  errors: PgErrorReading,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  signal?.throwIfAborted()
  const pending = conn.query({
    text: stmt.sql,
    values: toValues(stmt.params),
    rowMode: 'array',
    types: rawTypes,
  })
  return abortable(pending, signal).catch((err: unknown) => {
    throw errors.toError(err)
  })
}

/** Runs one statement on a connection. */
export async function runPg(
  conn: PgConnection,
  stmt: Statement,
  errors: PgErrorReading,
  signal?: AbortSignal | undefined,
): Promise<RawResult> {
  return toRawResult(await queryPg(conn, stmt, errors, signal))
}
