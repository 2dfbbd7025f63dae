/**
 * The neon (WebSocket) adapter: `@neondatabase/serverless` `Client`s over WebSocket, for
 * interactive transactions, savepoints and cursors on edge runtimes.
 *
 * ```ts
 * import { neon } from 'edgealchemy/neon'
 * const engine = createAsyncEngine(neon(env.DATABASE_URL, { scope: 'request', asyncLocalStorage: als }))
 * export default { fetch: (req, env, ctx) => engine.adapter.scoped(() => app.fetch(req, env, ctx), { waitUntil: (p) => ctx.waitUntil(p) }) }
 * ```
 *
 * Pooling: from a URL the adapter keeps its own pool (`poolSize` idle, `maxOverflow` more while
 * busy, `poolTimeout` to wait, `poolRecycle` age; like SQLAlchemy's QueuePool) and `close()`
 * ends it. Given a driver `Pool`, the Pool's own settings apply and `close()` leaves it open.
 *
 * Scoping: workerd forbids using a socket on behalf of another request, so with
 * `scope: 'request'` (the default under workerd) no socket outlives a request and none is ever
 * handed to another request. Inside `adapter.scoped(fn)` a request reuses its connections and
 * closes them when `fn` settles; outside a scope each connection is closed when released. Code
 * deep inside `fn` finds its scope through the `asyncLocalStorage` you pass (`new
 * AsyncLocalStorage()` from `node:async_hooks`, which workerd offers under
 * `nodejs_als`/`nodejs_compat`); without one, use the adapter `fn` receives.
 *
 * Limits in request mode: at most `maxConnections` sockets (default 10) are open at once for
 * the adapter, across every request and scope of the isolate, so PostgreSQL never sees more
 * backends than that from one isolate. Further callers wait, in their own request, for a socket
 * to close, then open their own: up to `poolTimeout` or until the operation's signal (its
 * timeout) aborts. A request that holds a connection (an open transaction) while asking for a
 * second one waits like any other, so hold one connection per request where you can.
 * @module edgealchemy/neon
 */
import { Client, type Pool } from '@neondatabase/serverless'
import { postgresql } from '../../core/dialects/postgresql/index.js'
import type {
  Adapter,
  AdapterTransaction,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import { authFailure } from '../../core/engine/redact.js'
import { ArgumentError } from '../../core/errors.js'
import {
  beginSql,
  hasFailed,
  type NeonConnection,
  NeonTransaction,
  neonCapabilities,
  run,
  toRawResult,
  watch,
} from './adapter.js'
import { isPgAuthFailure, isTransportError, neonErrorInfo, secretsOfUrl, toError } from './errors.js'
import { type ConnectionSource, type Connector, DriverPoolSource, QueuePool, SocketLimit } from './pool.js'

export { neonCapabilities, toRawResult }

/** What the adapter needs of an `AsyncLocalStorage` (from `node:async_hooks`; never imported here). */
export interface AsyncLocalStorageLike {
  getStore(): unknown
  run<R>(store: never, fn: () => R): R
}

/** Per-connection driver settings (the driver's `neonConfig`, applied to each `Client` made from a URL). */
export interface NeonDriverSettings {
  /** A WebSocket constructor where the runtime has none (Node 20: `ws`). */
  readonly webSocketConstructor?: unknown
  /** The proxy address: a host, or `(host, port) => 'proxy.example/v2?address=' + host + ':' + port`. */
  readonly wsProxy?: string | ((host: string, port: number | string) => string)
  /** `wss:` (default) or `ws:` to the proxy. */
  readonly useSecureWebSocket?: boolean
  /** `'password'` (driver default) pipelines startup; `false` for servers without cleartext password auth. */
  readonly pipelineConnect?: 'password' | false
  readonly forceDisablePgSSL?: boolean
  readonly coalesceWrites?: boolean
}

/** Options of {@link neon}. */
export interface NeonOptions extends NeonDriverSettings {
  /**
   * Connections kept open while idle (default 5). In request mode: the idle connections a
   * request scope keeps for its own reuse.
   */
  readonly poolSize?: number
  /** Connections beyond `poolSize` while busy, closed on release (default 10; -1: no limit). */
  readonly maxOverflow?: number
  /**
   * The most sockets open at once for this adapter (`-1`: no limit beyond `poolSize +
   * maxOverflow`). In request mode (workerd) this one limit is shared by every request and
   * scope of the isolate (default 10, and never above `poolSize + maxOverflow`): a released
   * socket is closed, never passed on, and the next waiting request opens its own. In isolate
   * mode it caps the pool (default -1: `poolSize + maxOverflow` alone). Given a driver `Pool`:
   * request mode only, capped by the Pool's `max`.
   */
  readonly maxConnections?: number
  /**
   * Milliseconds to wait for a free connection (or, in request mode, socket) before a
   * `TimeoutError` (default 30000; -1: forever). An operation's signal ends the wait sooner.
   */
  readonly poolTimeout?: number
  /** Milliseconds after which a connection is replaced instead of reused (default -1: never). */
  readonly poolRecycle?: number
  /**
   * `'isolate'`: one pool for the isolate (Node, Deno, Bun; refused under workerd);
   * `'request'`: no socket outlives a request (the default, and the only choice, under workerd).
   */
  readonly scope?: 'isolate' | 'request'
  /** Finds the current request scope inside {@link NeonAdapter.scoped}. */
  readonly asyncLocalStorage?: AsyncLocalStorageLike
}

/** Options of {@link NeonAdapter.scoped}. */
export interface ScopeOptions {
  /** Receives the closing of the scope's sockets instead of the caller waiting for it (`ctx.waitUntil`). */
  readonly waitUntil?: (promise: Promise<unknown>) => void
}

/** The neon adapter: an {@link Adapter} with interactive transactions, cursors and request scopes. */
export interface NeonAdapter extends Adapter {
  begin(options?: TransactionOptions): Promise<AdapterTransaction>
  stream(stmt: Statement, chunkSize: number, options?: ExecuteOptions): AsyncIterable<RawResult>
  /**
   * Runs `fn` in a request scope: its connections belong to it and are closed when `fn`
   * settles. `fn` gets an adapter bound to the scope (for code without `asyncLocalStorage`).
   */
  scoped<R>(fn: (adapter: NeonAdapter) => R | Promise<R>, options?: ScopeOptions): Promise<R>
  /** Closes the idle connections of the current scope (outside any scope: of the pool) now. */
  endRequest(): Promise<void>
}

/** A request scope: one connection source per adapter, closed at the end. */
class RequestScope {
  readonly sources = new Map<object, ConnectionSource<NeonConnection>>()
  ended = false
  end(): Promise<void> {
    this.ended = true
    return Promise.all([...this.sources.values()].map((s) => s.close(true))).then(() => undefined)
  }
}

type DriverClient = NeonConnection & { release?(destroy?: boolean | Error): void }

/** A connection from `src`, watched for socket failures; driver events become Errors. */
async function acquireFrom<C extends NeonConnection>(
  src: ConnectionSource<C>,
  signal: AbortSignal | undefined,
): Promise<C> {
  let conn: C
  try {
    conn = await src.acquire(signal)
  } catch (err) {
    throw toError(err)
  }
  watch(conn)
  return conn
}

/** How long a closing connection may take to say goodbye before its socket is dropped (ms). */
const endGrace = 1_000

function isPool(v: unknown): v is Pool {
  return typeof v === 'object' && v !== null && typeof (v as { connect?: unknown }).connect === 'function'
}

function isWorkerd(): boolean {
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers'
}

const driverKeys = [
  'webSocketConstructor',
  'wsProxy',
  'useSecureWebSocket',
  'pipelineConnect',
  'forceDisablePgSSL',
  'coalesceWrites',
] as const

/** The lower of two limits where `-1` means none. */
function lowest(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b)
}

function nonNegative(name: string, v: number | undefined, fallback: number, allowMinusOne: boolean): number {
  if (v === undefined) return fallback
  if (Number.isFinite(v) && (v >= 0 || (allowMinusOne && v === -1))) return v
  throw new ArgumentError(`${name} must be a non-negative number${allowMinusOne ? ' or -1' : ''}, got ${v}`)
}

/** A connection string must parse and name a host, so a typo fails here rather than at first use. */
function checkUrl(url: string): void {
  let host = ''
  if (/^postgres(ql)?:\/\//i.test(url))
    try {
      // the scheme swapped for http: so the URL parser reads host and credentials
      host = new URL(`http:${url.slice(url.indexOf(':') + 1)}`).host
    } catch {
      // reported below without the URL itself (it holds the password)
    }
  if (host === '')
    throw new ArgumentError(
      'neon() needs a postgres:// or postgresql:// URL naming a host (the given one does not parse)',
    )
}

/** The neon WebSocket adapter for a connection string or a driver `Pool`. */
export function neon(urlOrPool: string | Pool, options: NeonOptions = {}): NeonAdapter {
  if (options.scope === 'isolate' && isWorkerd())
    // Measured in workerd: the next request either hangs on the pooled socket (the driver writes
    // from a timer, so workerd's refusal is never seen) or fails every other time. Refuse it.
    throw new ArgumentError(
      "scope: 'isolate' cannot work under workerd: a socket opened by one request cannot be used by another " +
        "(workerd: 'Cannot perform I/O on behalf of a different request'). Use the default scope: 'request'.",
    )
  const requestMode = (options.scope ?? (isWorkerd() ? 'request' : 'isolate')) === 'request'
  const timeout = nonNegative('poolTimeout', options.poolTimeout, 30_000, true)
  const max = options.maxConnections
  if (max !== undefined && !(Number.isInteger(max) && (max >= 1 || max === -1)))
    throw new ArgumentError(`maxConnections must be a positive integer or -1, got ${max}`)
  /** The limit of sockets (-1: none): 10 in request mode unless given. */
  const maxConnections = max ?? (requestMode ? 10 : -1)
  let secrets: string[]
  let makeSource: (keepIdle: boolean) => ConnectionSource<DriverClient>

  if (typeof urlOrPool === 'string') {
    const url = urlOrPool
    checkUrl(url)
    secrets = secretsOfUrl(url)
    const settings = {
      size: nonNegative('poolSize', options.poolSize, 5, false),
      maxOverflow: nonNegative('maxOverflow', options.maxOverflow, 10, true),
      timeout,
      recycle: nonNegative('poolRecycle', options.poolRecycle, -1, true),
    }
    const connector: Connector<DriverClient> = {
      async open(): Promise<DriverClient> {
        const client = new Client({ connectionString: url })
        const config = client.neonConfig as unknown as Record<string, unknown>
        for (const k of driverKeys) if (options[k] !== undefined) config[k] = options[k]
        watch(client)
        try {
          await client.connect()
        } catch (err) {
          throw toError(err)
        }
        return client
      },
      close: async (client: DriverClient) => {
        const stream = (client as unknown as { connection?: { stream?: { destroy?(): void } } }).connection
          ?.stream
        // a failed client would wait for an 'end' that has been and gone, and one whose query was
        // cut short may never see it: drop the socket once a goodbye has had its chance, so the
        // server ends the session (and its transaction) instead of waiting on a half-sent message
        if (!hasFailed(client)) {
          let timer: ReturnType<typeof setTimeout> | undefined
          await Promise.race([
            (client as unknown as Client).end().catch(() => undefined),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, endGrace)
            }),
          ])
          clearTimeout(timer)
        }
        stream?.destroy?.()
      },
      usable: (client: DriverClient) => !hasFailed(client),
    }
    const total = settings.maxOverflow < 0 ? -1 : settings.size + settings.maxOverflow
    const cap = lowest(total, maxConnections)
    if (requestMode) {
      // one limit for the isolate; the sources under it (unscoped, one per request scope) have none
      const limit = new SocketLimit(cap < 0 ? Number.POSITIVE_INFINITY : cap)
      makeSource = (keepIdle) => new QueuePool(connector, { ...settings, maxOverflow: -1, keepIdle }, limit)
    } else {
      const size = cap < 0 ? settings.size : Math.min(settings.size, cap)
      const capped = { ...settings, size, maxOverflow: cap < 0 ? -1 : cap - size }
      makeSource = (keepIdle) => new QueuePool(connector, { ...capped, keepIdle })
    }
  } else if (isPool(urlOrPool)) {
    const pool = urlOrPool
    for (const k of ['poolSize', 'maxOverflow', 'poolRecycle', ...driverKeys] as const)
      if (options[k] !== undefined)
        throw new ArgumentError(
          `neon(pool, { ${k} }): the Pool you pass has its own settings (max, idleTimeoutMillis, maxLifetimeSeconds, neonConfig); set them there`,
        )
    if (!requestMode && options.maxConnections !== undefined)
      throw new ArgumentError(
        "neon(pool, { maxConnections }) applies in request mode; in isolate mode set the Pool's own max",
      )
    const o = pool.options as { connectionString?: string; password?: unknown; max?: unknown } | undefined
    secrets = secretsOfUrl(o?.connectionString)
    if (typeof o?.password === 'string' && o.password.length > 0) secrets.push(o.password)
    const driverPool = pool as unknown as {
      connect(): Promise<DriverClient & { release(destroy?: boolean): void }>
    }
    if (requestMode) {
      // The Pool would give a waiter a client it opened while another request released one
      // (in that request, so unusable here): never let it queue. Each client is taken under
      // the isolate's limit (at most the Pool's max), opened by the Pool in the caller's own
      // request, and destroyed on release; a request scope keeps its own for reuse.
      const poolMax = typeof o?.max === 'number' && o.max > 0 ? o.max : 10
      const limit = new SocketLimit(lowest(poolMax, maxConnections))
      const connector: Connector<DriverClient & { release(destroy?: boolean): void }> = {
        open: () => driverPool.connect(),
        // destroyed (not returned to the Pool); the slot is free once its socket has ended
        close: (client) =>
          new Promise<void>((resolve) => {
            if (!hasFailed(client)) client.on('end', () => resolve())
            client.release(true)
            if (hasFailed(client)) resolve()
          }),
        usable: (client) => !hasFailed(client),
      }
      makeSource = (keepIdle) =>
        new QueuePool(connector, { size: poolMax, maxOverflow: -1, timeout, recycle: -1, keepIdle }, limit)
    } else makeSource = (keepIdle) => new DriverPoolSource(driverPool, timeout, !keepIdle)
  } else
    throw new ArgumentError(
      'neon() takes a postgresql:// connection string or a Pool from @neondatabase/serverless',
    )

  // outside a scope: the isolate's pool, or (request mode) connections closed on release
  const base = makeSource(!requestMode)
  const als = options.asyncLocalStorage
  const token = {}

  const sourceIn = (scope: RequestScope | undefined): ConnectionSource<DriverClient> => {
    if (scope === undefined || scope.ended || !requestMode) return base
    let s = scope.sources.get(token)
    if (s === undefined) scope.sources.set(token, (s = makeSource(true)))
    return s as ConnectionSource<DriverClient>
  }
  const currentScope = (): RequestScope | undefined => {
    const store = als?.getStore()
    return store instanceof RequestScope ? store : undefined
  }

  const build = (fixed: RequestScope | undefined): NeonAdapter => {
    const source = () => sourceIn(fixed ?? currentScope())

    /** Runs `work` on one connection; a transport failure or abort closes it. */
    const withConnection = async <T>(
      signal: AbortSignal | undefined,
      work: (conn: DriverClient, markBroken: () => void) => Promise<T>,
    ): Promise<T> => {
      const src = source()
      const conn = await acquireFrom(src, signal)
      let broken = false
      try {
        return await work(conn, () => {
          broken = true
        })
      } catch (err) {
        broken ||= signal?.aborted === true || isTransportError(err)
        throw err
      } finally {
        // in request mode: until its socket has closed, in this request (its slot goes back then)
        await src.release(conn, broken || hasFailed(conn))
      }
    }

    const adapter: NeonAdapter = {
      name: 'neon',
      capabilities: neonCapabilities,
      dialect: postgresql,
      secrets,
      execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
        return withConnection(options?.signal, (conn) => run(conn, stmt, options?.signal))
      },
      async batch(stmts: readonly Statement[], options?: TransactionOptions): Promise<RawResult[]> {
        options?.signal?.throwIfAborted()
        if (stmts.length === 0) return []
        const begin = beginSql(options)
        const signal = options?.signal
        return withConnection(signal, async (conn, markBroken) => {
          await run(conn, { sql: begin, params: [] }, signal)
          const results: RawResult[] = []
          try {
            for (const stmt of stmts) results.push(await run(conn, stmt, signal))
            await run(conn, { sql: 'COMMIT', params: [] }, signal)
          } catch (err) {
            if (!(signal?.aborted || isTransportError(err)))
              await run(conn, { sql: 'ROLLBACK', params: [] }).catch(markBroken)
            throw err
          }
          return results
        })
      },
      async begin(options?: TransactionOptions): Promise<AdapterTransaction> {
        const begin = beginSql(options)
        const src = source()
        const conn = await acquireFrom(src, options?.signal)
        try {
          await run(conn, { sql: begin, params: [] }, options?.signal)
        } catch (err) {
          await src.release(conn, true)
          throw err
        }
        return new NeonTransaction(src, conn)
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
      errorInfo(err: unknown): DriverErrorInfo {
        const info = neonErrorInfo(err, secrets)
        return isPgAuthFailure(info) ? authFailure(info, credentialSource, info.code ?? '28P01') : info
      },
      async scoped<R>(fn: (adapter: NeonAdapter) => R | Promise<R>, opts?: ScopeOptions): Promise<R> {
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
  const credentialSource =
    typeof urlOrPool === 'string'
      ? 'the user name and password in the URL given to neon()'
      : 'the connection settings of the Pool given to neon()'
  return build(undefined)
}
neon.schemes = ['postgres:', 'postgresql:'] as readonly string[]
