/**
 * A local D1 database in workerd (miniflare) with a counting binding: every call that makes a
 * request (`run`, `all`, `raw`, `first` of a prepared statement, `batch`, `exec`) counts as one
 * round trip, and faults can be injected into the next ones. Node only.
 *
 * The bindings never use miniflare's Node-side D1 proxy (`getD1Database`): some of its calls
 * (`prepare`, `bind`) are synchronous (`Atomics.wait` on a helper thread) and, on a busy machine,
 * can receive a mismatched reply (`AssertionError: false == true`) that breaks every later call.
 * Instead a small Worker in the same workerd serves `env.DB` over HTTP (`worker.ts`, its script
 * built from the sources by `worker-script.ts`): `prepare()` and `bind()` are local objects, and
 * each call that reaches D1 is one asynchronous `dispatchFetch`.
 * @module
 */
import { Miniflare } from 'miniflare'
import { closeOnce } from '../harness/close-once.js'
import { callWithFault } from '../harness/fault-effect.js'
import { RequestGate } from '../harness/request-gate.js'
import { decodeValue, encodeValue, reviveError, type WireError } from './wire.js'
import { workerModules } from './worker-script.js'

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

/** The statement and database types of the counting binding (a superset of a `D1Database`'s that the adapter uses). */
export interface CountingD1PreparedStatement {
  bind(...values: unknown[]): CountingD1PreparedStatement
  run(): Promise<any>
  all(): Promise<any>
  raw(options?: { columnNames?: boolean }): Promise<any[]>
  first(column?: string): Promise<any>
}
/** A D1 binding that counts requests; usable wherever a `D1Database` is (`d1(binding)`). */
export interface CountingD1Database {
  prepare(sql: string): CountingD1PreparedStatement
  batch(statements: CountingD1PreparedStatement[]): Promise<any[]>
  exec(sql: string): Promise<{ count: number; duration: number }>
}

/** A running local D1. */
export interface D1Server {
  /** The counting binding: pass it where a Worker would pass `env.DB`. */
  readonly binding: CountingD1Database
  /** A binding over the same database whose calls are neither counted nor faulted (test setup, assertions). */
  readonly uncounted: CountingD1Database
  /** Requests made through `binding` (round trips). */
  readonly requests: number
  resetCount(): void
  /** Makes the next `times` counted calls fail with `kind`. */
  injectFault(kind: D1Fault, times?: number, after?: number): void
  /** Stops workerd. */
  dispose(): Promise<void>
}

/** The error workerd gives a request whose connection failed. */
function networkError(): Error {
  return new Error('Network connection lost.')
}

/** A statement as the Worker takes it: `params` absent when `bind()` was never called. */
interface WireStatement {
  readonly sql: string
  readonly params?: unknown[] | undefined
}

/** What a call reaches D1 with: `send` posts one request to the Worker. */
type Send = (body: Record<string, unknown>) => Promise<any>

/** Counts one request and applies the next fault around `call` (identity for `uncounted`). */
type Gate = <T>(call: () => Promise<T>) => Promise<T>

/**
 * Whether D1 surely binds `v` (number, string, boolean, null, bytes). Any other value is bound in
 * the Worker first, uncounted, so that D1's own D1_TYPE_ERROR surfaces before the request is
 * counted or a fault is spent, as it did when `bind()` threw synchronously.
 */
function surelyBindable(v: unknown): boolean {
  const t = typeof v
  return (
    t === 'number' ||
    t === 'string' ||
    t === 'boolean' ||
    v === null ||
    v instanceof ArrayBuffer ||
    ArrayBuffer.isView(v)
  )
}

const statements = new WeakMap<object, WireStatement>()

function wireOf(statement: unknown): WireStatement {
  const s = typeof statement === 'object' && statement !== null ? statements.get(statement) : undefined
  if (s === undefined)
    throw new TypeError('batch() takes statements prepared by a binding of this local D1 (startD1)')
  return s
}

function toWire(s: WireStatement): Record<string, unknown> {
  return s.params === undefined ? { sql: s.sql } : { sql: s.sql, params: s.params.map(encodeValue) }
}

/** A binding over the Worker: local `prepare`/`bind`, one `send` per call that reaches D1. */
function createBinding(send: Send, gate: Gate): CountingD1Database {
  /** Binds in the Worker (nothing runs, not counted) when some parameter may be refused. */
  const check = async (list: readonly WireStatement[]): Promise<void> => {
    if (list.every((s) => s.params === undefined || s.params.every(surelyBindable))) return
    await send({ op: 'check', statements: list.map(toWire) })
  }
  const call = async (s: WireStatement, body: Record<string, unknown>): Promise<any> => {
    await check([s])
    return gate(() => send({ ...body, ...toWire(s) }))
  }
  const statement = (s: WireStatement): CountingD1PreparedStatement => {
    const stmt: CountingD1PreparedStatement = {
      bind: (...values: unknown[]) => statement({ sql: s.sql, params: values }),
      run: () => call(s, { op: 'run' }),
      all: () => call(s, { op: 'all' }),
      raw: (options?: { columnNames?: boolean }) =>
        call(
          s,
          options?.columnNames === undefined
            ? { op: 'raw' }
            : { op: 'raw', columnNames: options.columnNames },
        ),
      first: (column?: string) => call(s, column === undefined ? { op: 'first' } : { op: 'first', column }),
    }
    statements.set(stmt, s)
    return stmt
  }
  return {
    prepare: (sql: string) => statement({ sql }),
    async batch(list: CountingD1PreparedStatement[]) {
      const wire = list.map(wireOf)
      await check(wire)
      return gate(() => send({ op: 'batch', statements: wire.map(toWire) }))
    },
    exec: (sql: string) => gate(() => send({ op: 'exec', sql })),
  }
}

/** Starts workerd with one D1 database (`DB`, in memory) and returns a counting binding over it. */
export async function startD1(options: D1ServerOptions = {}): Promise<D1Server> {
  const mf = new Miniflare({
    modules: await workerModules(),
    compatibilityDate: options.compatibilityDate ?? '2025-06-01',
    d1Databases: ['DB'],
  })
  /** One request to the Worker; D1's error is rethrown with its name and message. */
  const send: Send = async (body) => {
    const res = await mf.dispatchFetch('http://d1.local/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    let reply: { ok: true; result: unknown } | { ok: false; error: WireError }
    try {
      reply = JSON.parse(text)
    } catch {
      throw new Error(`local D1 Worker: HTTP ${res.status}: ${text.slice(0, 500)}`)
    }
    if (!reply.ok) throw reviveError(reply.error)
    return decodeValue(reply.result)
  }
  const uncounted = createBinding(send, (call) => call())
  try {
    await mf.ready
    for (const sql of options.setup ?? []) await uncounted.prepare(sql).run()
  } catch (err) {
    await mf.dispose()
    throw err
  }
  const gate = new RequestGate<D1Fault, Error>({
    effects: {
      network: 'cut',
      'drop-after-query': 'drop-reply',
      overloaded: { refuse: () => new Error('D1_ERROR: D1 DB is overloaded. Requests queued for too long.') },
      reset: {
        refuse: () =>
          new Error('D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.'),
      },
      stall: 'stall',
    },
  })
  /** Counts one request and applies its fault around `call`. */
  const request: Gate = (call) => callWithFault(gate.arrive(), call, networkError)
  const binding = createBinding(send, request)
  return {
    binding,
    uncounted,
    get requests() {
      return gate.count
    },
    resetCount: () => gate.resetCount(),
    injectFault: (kind: D1Fault, times = 1, after = 0) => gate.inject(kind, times, after),
    dispose: closeOnce(async () => {
      gate.clear()
      await mf.dispose()
    }),
  }
}
