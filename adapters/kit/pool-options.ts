/**
 * The pool settings of an adapter that holds sockets (`poolSize`, `maxOverflow`,
 * `maxConnections`, `poolTimeout`, `poolRecycle`, `scope`), checked and turned into the
 * connection sources of a {@link QueuePool}, in isolate or request mode.
 * @module
 */
import { ArgumentError } from '../../core/errors.js'
import type { ConnectionSource, Connector } from './connection-source.js'
import { QueuePool } from './queue-pool.js'
import { type AsyncLocalStorageLike, isWorkerd } from './request-scope.js'
import { SocketLimit } from './socket-limit.js'

/** Pool and scope options of an adapter that holds sockets. */
export interface PoolOptions {
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
  /** Finds the current request scope inside the adapter's `scoped(fn)`. */
  readonly asyncLocalStorage?: AsyncLocalStorageLike
}

/** The checked settings every source of one adapter shares. */
export interface PoolPlan {
  /** No socket outlives a request (workerd). */
  readonly requestMode: boolean
  /** `poolTimeout` (ms; -1: forever). */
  readonly timeout: number
  /** The limit of sockets (-1: none): 10 in request mode unless given. */
  readonly maxConnections: number
}

/** Makes a connection source; `keepIdle`: keep released connections for reuse. */
export type SourceFactory<C> = (keepIdle: boolean) => ConnectionSource<C>

/** The lower of two limits where `-1` means none. */
export function lowest(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b)
}

function nonNegative(name: string, v: number | undefined, fallback: number, allowMinusOne: boolean): number {
  if (v === undefined) return fallback
  if (Number.isFinite(v) && (v >= 0 || (allowMinusOne && v === -1))) return v
  throw new ArgumentError(`${name} must be a non-negative number${allowMinusOne ? ' or -1' : ''}, got ${v}`)
}

/** Checks the scope, `poolTimeout` and `maxConnections`; refuses `scope: 'isolate'` under workerd. */
export function poolPlan(options: PoolOptions): PoolPlan {
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
  return { requestMode, timeout, maxConnections: max ?? (requestMode ? 10 : -1) }
}

/**
 * Sources of {@link QueuePool}s over `connector`. In request mode one {@link SocketLimit} holds
 * for the isolate and the pools under it (unscoped, one per request scope) have none; in
 * isolate mode the pool itself is capped by `maxConnections`. `name` is the adapter's.
 */
export function queuePoolSources<C>(
  name: string,
  connector: Connector<C>,
  options: PoolOptions,
  plan: PoolPlan,
): SourceFactory<C> {
  const settings = {
    size: nonNegative('poolSize', options.poolSize, 5, false),
    maxOverflow: nonNegative('maxOverflow', options.maxOverflow, 10, true),
    timeout: plan.timeout,
    recycle: nonNegative('poolRecycle', options.poolRecycle, -1, true),
    name,
  }
  const total = settings.maxOverflow < 0 ? -1 : settings.size + settings.maxOverflow
  const cap = lowest(total, plan.maxConnections)
  if (plan.requestMode) {
    const limit = new SocketLimit(cap < 0 ? Number.POSITIVE_INFINITY : cap, name)
    return (keepIdle) => new QueuePool(connector, { ...settings, maxOverflow: -1, keepIdle }, limit)
  }
  const size = cap < 0 ? settings.size : Math.min(settings.size, cap)
  const capped = { ...settings, size, maxOverflow: cap < 0 ? -1 : cap - size }
  return (keepIdle) => new QueuePool(connector, { ...capped, keepIdle })
}
