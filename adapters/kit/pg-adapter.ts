/**
 * A pg-protocol adapter over connection sources: autocommit statements on a pooled connection,
 * batches as BEGIN + each + COMMIT on one connection, interactive transactions holding one
 * connection, server-side cursors for streaming, and request scopes. A driver's adapter
 * supplies its connection sources, its error reading and its capabilities. Web-standard only.
 * @module
 */
import type { Dialect } from '../../core/dialects/dialect.js'
import type {
  Adapter,
  AdapterCapabilities,
  AdapterTransaction,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import type { ConnectionSource } from './connection-source.js'
import { hasFailed, type PgConnection, type PgErrorReading, runPg, watch } from './pg-connection.js'
import { PgTransaction } from './pg-transaction.js'
import type { PoolPlan, SourceFactory } from './pool-options.js'
import { type AsyncLocalStorageLike, RequestScope, type ScopeOptions } from './request-scope.js'

/** A pg-protocol adapter: interactive transactions, cursors and request scopes. */
export interface PgAdapter extends Adapter {
  begin(options?: TransactionOptions): Promise<AdapterTransaction>
  stream(stmt: Statement, chunkSize: number, options?: ExecuteOptions): AsyncIterable<RawResult>
  /**
   * Runs `fn` in a request scope: its connections belong to it and are closed when `fn`
   * settles. `fn` gets an adapter bound to the scope (for code without `asyncLocalStorage`).
   */
  scoped<R>(fn: (adapter: PgAdapter) => R | Promise<R>, options?: ScopeOptions): Promise<R>
  /** Closes the idle connections of the current scope (outside any scope: of the pool) now. */
  endRequest(): Promise<void>
}

/** What a driver gives {@link pgAdapter}. */
export interface PgAdapterConfig<C extends PgConnection> {
  readonly name: string
  readonly capabilities: AdapterCapabilities
  readonly dialect: Dialect
  readonly secrets: readonly string[]
  /** Where connections come from (see pg-sources.ts). */
  readonly sources: SourceFactory<C>
  readonly plan: PoolPlan
  readonly asyncLocalStorage?: AsyncLocalStorageLike | undefined
  /** The driver's errors: as Errors, and whether the connection failed. */
  readonly errors: PgErrorReading
  /** The driver's error as {@link DriverErrorInfo}, credentials redacted. */
  errorInfo(err: unknown): DriverErrorInfo
}

/**
 * The adapter over `config.sources`. Outside a scope its connections come from one source (the
 * isolate's pool, or in request mode connections closed on release); inside `scoped(fn)` each
 * request scope has its own, closed when the scope ends.
 */
export function pgAdapter<C extends PgConnection>(config: PgAdapterConfig<C>): PgAdapter {
  const { plan, errors } = config
  const requestMode = plan.requestMode
  const control = config.dialect.transactionControl()
  const base = config.sources(!requestMode)
  const als = config.asyncLocalStorage
  const token = {}

  /** A connection from `src`, watched for socket failures; driver events become Errors. */
  const acquireFrom = async (src: ConnectionSource<C>, signal: AbortSignal | undefined): Promise<C> => {
    let conn: C
    try {
      conn = await src.acquire(signal)
    } catch (err) {
      throw errors.toError(err)
    }
    watch(conn)
    return conn
  }
  const sourceIn = (scope: RequestScope | undefined): ConnectionSource<C> => {
    if (scope === undefined || scope.ended || !requestMode) return base
    let s = scope.sources.get(token)
    if (s === undefined) scope.sources.set(token, (s = config.sources(true) as ConnectionSource<unknown>))
    return s as ConnectionSource<C>
  }
  const currentScope = (): RequestScope | undefined => {
    const store = als?.getStore()
    return store instanceof RequestScope ? store : undefined
  }
  const statement = (sql: string): Statement => ({ sql, params: [] })

  const build = (fixed: RequestScope | undefined): PgAdapter => {
    const source = () => sourceIn(fixed ?? currentScope())

    /** Runs `work` on one connection; a transport failure or abort closes it. */
    const withConnection = async <T>(
      signal: AbortSignal | undefined,
      work: (conn: C, markBroken: () => void) => Promise<T>,
    ): Promise<T> => {
      const src = source()
      const conn = await acquireFrom(src, signal)
      let broken = false
      try {
        return await work(conn, () => {
          broken = true
        })
      } catch (err) {
        broken ||= signal?.aborted === true || errors.isTransportError(err)
        throw err
      } finally {
        // in request mode: until its socket has closed, in this request (its slot goes back then)
        await src.release(conn, broken || hasFailed(conn))
      }
    }

    const adapter: PgAdapter = {
      name: config.name,
      capabilities: config.capabilities,
      dialect: config.dialect,
      secrets: config.secrets,
      execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
        return withConnection(options?.signal, (conn) => runPg(conn, stmt, errors, options?.signal))
      },
      async batch(stmts: readonly Statement[], options?: TransactionOptions): Promise<RawResult[]> {
        options?.signal?.throwIfAborted()
        if (stmts.length === 0) return []
        const begin = control.begin(options)
        const signal = options?.signal
        return withConnection(signal, async (conn, markBroken) => {
          for (const sql of begin) await runPg(conn, statement(sql), errors, signal)
          const results: RawResult[] = []
          try {
            for (const stmt of stmts) results.push(await runPg(conn, stmt, errors, signal))
            await runPg(conn, statement(control.commit), errors, signal)
          } catch (err) {
            if (!(signal?.aborted || errors.isTransportError(err)))
              await runPg(conn, statement(control.rollback), errors).catch(markBroken)
            throw err
          }
          return results
        })
      },
      async begin(options?: TransactionOptions): Promise<AdapterTransaction> {
        const begin = control.begin(options)
        const src = source()
        const conn = await acquireFrom(src, options?.signal)
        try {
          for (const sql of begin) await runPg(conn, statement(sql), errors, options?.signal)
        } catch (err) {
          await src.release(conn, true)
          throw err
        }
        return new PgTransaction(src, conn, errors, control)
      },
      async *stream(stmt: Statement, chunkSize: number, options?: ExecuteOptions): AsyncIterable<RawResult> {
        const tx = await adapter.begin({ readOnly: true, signal: options?.signal })
        let ok = false
        try {
          yield* (tx.stream as NonNullable<AdapterTransaction['stream']>)(stmt, chunkSize, options)
          ok = true
        } finally {
          await (ok ? tx.commit() : tx.rollback())
        }
      },
      errorInfo: (err: unknown): DriverErrorInfo => config.errorInfo(err),
      async scoped<R>(fn: (adapter: PgAdapter) => R | Promise<R>, opts?: ScopeOptions): Promise<R> {
        const outer = fixed ?? currentScope()
        // nested scopes join the request's scope; only the outermost one closes it
        if (outer !== undefined && !outer.ended) return fn(outer === fixed ? adapter : build(outer))
        const scope = new RequestScope()
        const inner = build(scope)
        try {
          return await (als ? als.run(scope as never, () => fn(inner)) : fn(inner))
        } finally {
          const closing = scope.end()
          if (opts?.waitUntil) opts.waitUntil(closing)
          else await closing
        }
      },
      endRequest(): Promise<void> {
        return source().closeIdle()
      },
      async close(): Promise<void> {
        // an own pool is ended; a Pool you passed stays open (its connections go back to it)
        await base.close(false)
      },
    }
    return sealAdapter(adapter)
  }
  return build(undefined)
}
