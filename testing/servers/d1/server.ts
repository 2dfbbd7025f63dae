/**
 * A local D1 database in workerd (miniflare) with a counting binding: every call that makes a
 * request (`run`, `all`, `raw`, `first` of a prepared statement, `batch`, `exec`) counts as one
 * round trip, and faults can be injected into the next ones. Node only.
 * @module
 */
import { Miniflare } from 'miniflare'
import type { D1DatabaseLike } from '../../../adapters/d1/binding.js'

/**
 * A fault for the next counted call(s):
 * - `network`: the call fails before reaching the database, as a lost connection does
 *   (`Network connection lost.`, the form workerd gives a fetch that failed).
 * - `drop-after-query`: the call runs in the database, then the reply is lost (same error).
 * - `overloaded`: D1 refuses the call (`D1_ERROR: D1 DB is overloaded. Requests queued for too long.`).
 * - `reset`: D1's storage reset (`D1_ERROR: ... caused object to be reset.`); nothing ran.
 * - `stall`: the call never settles (for AbortSignal tests).
 */
export type D1Fault = 'network' | 'drop-after-query' | 'overloaded' | 'reset' | 'stall'

/** Options of {@link startD1}. */
export interface D1ServerOptions {
  /** SQL run once at start (not counted), one statement per string: a schema, seed rows. */
  readonly setup?: readonly string[] | undefined
  /** The Worker compatibility date (default `2025-06-01`). */
  readonly compatibilityDate?: string | undefined
}

/** The statement and database types of the counting binding (a superset of the adapter's). */
export interface CountingD1PreparedStatement {
  bind(...values: unknown[]): CountingD1PreparedStatement
  run(): Promise<any>
  all(): Promise<any>
  raw(options?: { columnNames?: boolean }): Promise<any[]>
  first(column?: string): Promise<any>
}
/** A D1 binding that counts requests; usable wherever a `D1Database` is (`d1(binding)`). */
export interface CountingD1Database extends D1DatabaseLike {
  prepare(sql: string): CountingD1PreparedStatement
  batch(statements: CountingD1PreparedStatement[]): Promise<any[]>
  exec(sql: string): Promise<{ count: number; duration: number }>
}

/** A running local D1. */
export interface D1Server {
  /** The counting binding: pass it where a Worker would pass `env.DB`. */
  readonly binding: CountingD1Database
  /** miniflare's own binding: calls are neither counted nor faulted (test setup, assertions). */
  readonly uncounted: D1DatabaseLike & { exec(sql: string): Promise<unknown> }
  /** Requests made through `binding` (round trips). */
  readonly requests: number
  resetCount(): void
  /** Makes the next `times` counted calls fail with `kind`. */
  injectFault(kind: D1Fault, times?: number): void
  /** Stops workerd. */
  dispose(): Promise<void>
}

const worker = 'export default { fetch() { return new Response(null, { status: 404 }) } }'

/** The error workerd gives a request whose connection failed. */
function networkError(): Error {
  return new Error('Network connection lost.')
}

function faultError(kind: D1Fault): Error {
  if (kind === 'overloaded') return new Error('D1_ERROR: D1 DB is overloaded. Requests queued for too long.')
  if (kind === 'reset')
    return new Error('D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.')
  return networkError()
}

/** Starts workerd with one D1 database (`DB`, in memory) and returns a counting binding over it. */
export async function startD1(options: D1ServerOptions = {}): Promise<D1Server> {
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.mjs', contents: worker }],
    compatibilityDate: options.compatibilityDate ?? '2025-06-01',
    d1Databases: ['DB'],
  })
  let inner: any
  try {
    inner = await mf.getD1Database('DB')
    for (const sql of options.setup ?? []) await inner.prepare(sql).run()
  } catch (err) {
    await mf.dispose()
    throw err
  }
  let requests = 0
  let faults: D1Fault[] = []

  /** Counts one request and applies the next fault around `call`. */
  const request = async <T>(call: () => Promise<T>): Promise<T> => {
    requests++
    const fault = faults.shift()
    if (fault === undefined) return call()
    if (fault === 'stall') return new Promise<T>(() => undefined)
    if (fault === 'drop-after-query') {
      await call().catch(() => undefined)
      throw networkError()
    }
    throw faultError(fault)
  }

  const unwrap = new WeakMap<object, any>()
  const wrapStatement = (stmt: any): CountingD1PreparedStatement => {
    const wrapped: CountingD1PreparedStatement = {
      bind: (...values: unknown[]) => wrapStatement(stmt.bind(...values)),
      run: () => request(() => stmt.run()),
      all: () => request(() => stmt.all()),
      raw: (opts?: { columnNames?: boolean }) => request(() => stmt.raw(opts)),
      first: (column?: string) => request(() => (column === undefined ? stmt.first() : stmt.first(column))),
    }
    unwrap.set(wrapped, stmt)
    return wrapped
  }
  const binding: CountingD1Database = {
    prepare: (sql: string) => wrapStatement(inner.prepare(sql)),
    batch: (statements: CountingD1PreparedStatement[]) =>
      request(() => inner.batch(statements.map((s) => unwrap.get(s) ?? s))),
    exec: (sql: string) => request(() => inner.exec(sql)),
  }
  let disposed = false
  return {
    binding,
    uncounted: inner,
    get requests() {
      return requests
    },
    resetCount() {
      requests = 0
    },
    injectFault(kind: D1Fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(kind)
    },
    async dispose() {
      if (disposed) return
      disposed = true
      faults = []
      await mf.dispose()
    },
  }
}
