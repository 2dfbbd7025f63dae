/**
 * Connections from a driver's own pool (node-postgres' `Pool` API: `connect()`, and `release()`
 * on each client) that the caller made and configured. Web-standard only.
 * @module
 */
import { InterfaceError, TimeoutError } from '../../core/errors.js'
import type { ConnectionSource } from './connection-source.js'

/** The subset of a driver `Pool` the adapter uses. */
export interface DriverPool<C extends DriverPoolClient> {
  connect(): Promise<C>
}
/** The subset of a driver `PoolClient` the adapter uses. */
export interface DriverPoolClient {
  release(destroy?: boolean | Error): void
}

/**
 * Connections from a driver `Pool` the caller made (its own `max`, idle and lifetime settings
 * apply); `timeout` bounds the wait. With `destroyOnRelease` no connection goes back to the
 * pool (per-request scoping). `name` is the adapter's, for error messages.
 */
export class DriverPoolSource<C extends DriverPoolClient> implements ConnectionSource<C> {
  private readonly out = new Set<C>()
  private closed = false

  constructor(
    private readonly pool: DriverPool<C>,
    private readonly timeout: number,
    private readonly destroyOnRelease: boolean,
    private readonly name = 'adapter',
  ) {}

  async acquire(signal?: AbortSignal): Promise<C> {
    if (this.closed) throw new InterfaceError(`The ${this.name} adapter is closed`)
    signal?.throwIfAborted()
    const pending = this.pool.connect()
    let timer: ReturnType<typeof setTimeout> | undefined
    let gaveUp = false
    const limits: Promise<never>[] = []
    if (this.timeout >= 0)
      limits.push(
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new TimeoutError(
                  `the ${this.name} Pool gave no connection within ${this.timeout} ms (poolTimeout)`,
                ),
              ),
            this.timeout,
          )
        }),
      )
    if (signal !== undefined)
      limits.push(
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
      )
    try {
      const conn = await Promise.race([pending, ...limits])
      this.out.add(conn)
      return conn
    } catch (err) {
      gaveUp = true
      throw err
    } finally {
      clearTimeout(timer)
      // a connection that arrives after we gave up goes straight back
      if (gaveUp)
        pending.then(
          (c) => c.release(),
          () => undefined,
        )
    }
  }

  release(conn: C, broken: boolean): Promise<void> {
    if (this.out.delete(conn)) conn.release(broken || this.destroyOnRelease || this.closed)
    return Promise.resolve()
  }

  async closeIdle(): Promise<void> {}

  async close(force: boolean): Promise<void> {
    this.closed = true
    if (force) for (const conn of [...this.out]) this.release(conn, true)
  }
}
