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
import type { Pool } from '@neondatabase/serverless'
import type { AdapterCapabilities } from '../../core/engine/adapter.js'
import type { PgAdapter } from '../kit/pg-adapter.js'
import type { PoolOptions } from '../kit/pool-options.js'
import type { ScopeOptions } from '../kit/request-scope.js'
import { type NeonDriverSettings, neonAdapter } from './adapter.js'

export { toRawResult } from '../kit/pg-connection.js'
export type { AsyncLocalStorageLike, ScopeOptions } from '../kit/request-scope.js'
export type { NeonDriverSettings } from './adapter.js'

/** What the neon WebSocket adapter can do. */
export const neonCapabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  batchRoundTrips: 'per-statement',
  savepoints: true,
  maxParams: 65534,
  streaming: 'cursor',
})

/** Options of {@link neon}: the driver's settings, and the pool's and request scopes'. */
export interface NeonOptions extends NeonDriverSettings, PoolOptions {}

/** The neon adapter: an `Adapter` with interactive transactions, cursors and request scopes. */
export interface NeonAdapter extends PgAdapter {
  /**
   * Runs `fn` in a request scope: its connections belong to it and are closed when `fn`
   * settles. `fn` gets an adapter bound to the scope (for code without `asyncLocalStorage`).
   */
  scoped<R>(fn: (adapter: NeonAdapter) => R | Promise<R>, options?: ScopeOptions): Promise<R>
}

/** The neon WebSocket adapter for a connection string or a driver `Pool`. */
export function neon(urlOrPool: string | Pool, options: NeonOptions = {}): NeonAdapter {
  return neonAdapter(urlOrPool, options, neonCapabilities) as NeonAdapter
}
neon.schemes = ['postgres:', 'postgresql:'] as readonly string[]
