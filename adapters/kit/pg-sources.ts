/**
 * Where a pg-protocol adapter's connections come from: clients it opens itself (a
 * {@link QueuePool} over a driver's client factory), or a driver `Pool` the caller made.
 * @module
 */
import { ArgumentError } from '../../core/errors.js'
import type { Connector } from './connection-source.js'
import { DriverPoolSource } from './driver-pool-source.js'
import { hasFailed, type PgConnection, watch } from './pg-connection.js'
import {
  lowest,
  type PoolOptions,
  type PoolPlan,
  queuePoolSources,
  type SourceFactory,
} from './pool-options.js'
import { QueuePool } from './queue-pool.js'
import { SocketLimit } from './socket-limit.js'

/** A driver client the adapter opened, and can end. */
export interface PgClient extends PgConnection {
  connect(): Promise<unknown>
  end(): Promise<unknown>
}

/** A client of a driver `Pool`, given back with `release`. */
export interface PgPoolClient extends PgConnection {
  release(destroy?: boolean | Error): void
}

/** A node-postgres-style `Pool`: `connect()` and its `options`. */
export interface PgPool {
  connect(): Promise<unknown>
  readonly options?: unknown
}

/** How long a closing connection may take to say goodbye before its socket is dropped (ms). */
const endGrace = 1_000

/** Ends a client: a goodbye while it is healthy (at most `endGrace`), then its socket dropped. */
async function endClient(client: PgClient): Promise<void> {
  const stream = (client as unknown as { connection?: { stream?: { destroy?(): void } } }).connection?.stream
  // a failed client would wait for an 'end' that has been and gone, and one whose query was
  // cut short may never see it: drop the socket once a goodbye has had its chance, so the
  // server ends the session (and its transaction) instead of waiting on a half-sent message
  if (!hasFailed(client)) {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      client.end().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, endGrace)
      }),
    ])
    clearTimeout(timer)
  }
  stream?.destroy?.()
}

/**
 * Sources of the adapter's own pool of clients. `newClient` makes an unconnected driver client
 * (the adapter's driver settings applied); `toError` reads a failed connect.
 */
export function clientSources<C extends PgClient>(
  name: string,
  newClient: () => C,
  toError: (err: unknown) => unknown,
  options: PoolOptions,
  plan: PoolPlan,
): SourceFactory<C> {
  const connector: Connector<C> = {
    async open(): Promise<C> {
      const client = newClient()
      watch(client)
      try {
        await client.connect()
      } catch (err) {
        throw toError(err)
      }
      return client
    },
    close: endClient,
    usable: (client) => !hasFailed(client),
  }
  return queuePoolSources(name, connector, options, plan)
}

/**
 * Sources over a driver `Pool` the caller made; its own settings apply. In request mode the
 * Pool would give a waiter a client it opened while another request released one (in that
 * request, so unusable here): it never queues. Each client is taken under the isolate's limit
 * (at most the Pool's `max`), opened by the Pool in the caller's own request, and destroyed on
 * release; a request scope keeps its own for reuse.
 */
export function poolSources<C extends PgPoolClient>(
  name: string,
  pool: PgPool,
  plan: PoolPlan,
  options: PoolOptions,
): SourceFactory<C> {
  if (!plan.requestMode && options.maxConnections !== undefined)
    throw new ArgumentError(
      `${name}(pool, { maxConnections }) applies in request mode; in isolate mode set the Pool's own max`,
    )
  const driverPool = pool as unknown as { connect(): Promise<C> }
  if (!plan.requestMode) return (keepIdle) => new DriverPoolSource(driverPool, plan.timeout, !keepIdle, name)
  const o = pool.options as { max?: unknown } | undefined
  const poolMax = typeof o?.max === 'number' && o.max > 0 ? o.max : 10
  const limit = new SocketLimit(lowest(poolMax, plan.maxConnections), name)
  const connector: Connector<C> = {
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
  return (keepIdle) =>
    new QueuePool(
      connector,
      { size: poolMax, maxOverflow: -1, timeout: plan.timeout, recycle: -1, keepIdle, name },
      limit,
    )
}
