/**
 * A pool of connections an adapter opens itself, after SQLAlchemy's QueuePool: `size` kept
 * idle, `maxOverflow` more while busy, `timeout` to wait, `recycle` age. Web-standard only.
 * @module
 */
import { InterfaceError, TimeoutError } from '../../core/errors.js'
import type { ConnectionSource, Connector } from './connection-source.js'
import type { SocketLimit } from './socket-limit.js'

/** Sizes and times of a {@link QueuePool} (times in ms; `-1` means unlimited / never). */
export interface PoolSettings {
  readonly size: number
  readonly maxOverflow: number
  readonly timeout: number
  readonly recycle: number
  /**
   * Keep released connections idle for reuse (false: close each on release). Also whether a
   * released connection may go straight to a waiter: a pool that keeps none idle may be shared
   * by requests that must never use each other's sockets (workerd), so it never hands one over.
   */
  readonly keepIdle: boolean
  /** The adapter's name, for error messages (default `'adapter'`). */
  readonly name?: string | undefined
}

/** What a waiter of a {@link QueuePool} is given: a connection, or room to open its own. */
const room = Symbol('room')

interface Waiter<C> {
  resolve(conn: C | typeof room): void
  reject(err: unknown): void
  timer: ReturnType<typeof setTimeout> | undefined
}

/** Closing a connection never takes longer than this (a dead socket may never say goodbye). */
const closeGrace = 3000

/** Resolves with `promise` or after `ms`, whichever is first; never rejects. */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/**
 * A pool of connections the adapter opened itself. Waiters are served in the order they came.
 * With a {@link SocketLimit}, each new connection first takes a socket slot (waiting in the
 * caller's own request for one) and a closed connection gives its slot back once its socket
 * has closed.
 *
 * ```ts
 * const pool = new QueuePool(connector, { size: 5, maxOverflow: 10, timeout: 30_000, recycle: -1, keepIdle: true })
 * const conn = await pool.acquire()
 * await pool.release(conn, false)
 * ```
 */
export class QueuePool<C> implements ConnectionSource<C> {
  private readonly idle: C[] = []
  /** Every open connection (idle or checked out) and when it was opened. */
  private readonly born = new Map<C, number>()
  private readonly out = new Set<C>()
  private readonly waiters: Waiter<C>[] = []
  private readonly closing = new Set<Promise<void>>()
  private opening = 0
  private closed = false

  constructor(
    private readonly connector: Connector<C>,
    private readonly settings: PoolSettings,
    private readonly limit?: SocketLimit,
  ) {}

  /** Connections open or being opened. */
  get total(): number {
    return this.born.size + this.opening
  }

  private get full(): boolean {
    const { size, maxOverflow } = this.settings
    return maxOverflow >= 0 && this.total >= size + maxOverflow
  }

  private closedError(): InterfaceError {
    return new InterfaceError(`The ${this.settings.name ?? 'adapter'} adapter is closed`)
  }

  private expired(conn: C): boolean {
    const r = this.settings.recycle
    return r >= 0 && Date.now() - (this.born.get(conn) ?? 0) >= r
  }

  acquire(signal?: AbortSignal): Promise<C> {
    if (this.closed) return Promise.reject(this.closedError())
    signal?.throwIfAborted()
    for (let conn = this.idle.pop(); conn !== undefined; conn = this.idle.pop()) {
      if (!this.expired(conn) && this.connector.usable?.(conn) !== false) {
        this.out.add(conn)
        return Promise.resolve(conn)
      }
      this.discard(conn)
    }
    if (!this.full) return this.openNew(signal)
    return new Promise<C | typeof room>((resolve, reject) => {
      const waiter: Waiter<C> = { resolve, reject, timer: undefined }
      const { size, maxOverflow, timeout } = this.settings
      const leave = (err: unknown) => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        clearTimeout(waiter.timer)
        reject(err)
      }
      if (timeout >= 0)
        waiter.timer = setTimeout(
          () =>
            leave(
              new TimeoutError(
                `${this.settings.name ?? 'adapter'} pool limit of size ${size} overflow ${maxOverflow} reached, no connection freed up within ${timeout} ms (poolTimeout)`,
              ),
            ),
          timeout,
        )
      signal?.addEventListener('abort', () => leave(signal.reason), { once: true })
      this.waiters.push(waiter)
      // given room rather than a connection, the waiter opens its own, from its own request
    }).then((got) => (got === room ? this.openReserved(signal) : got))
  }

  private openNew(signal: AbortSignal | undefined): Promise<C> {
    this.opening++
    return this.openReserved(signal)
  }

  /** Opens a connection in a place already counted in `opening` (by the caller or {@link serveWaiter}). */
  private async openReserved(signal: AbortSignal | undefined): Promise<C> {
    let conn: C
    try {
      if (this.limit !== undefined) {
        // no AbortSignal made here: in workerd one made by the first request is its I/O object
        await this.limit.take(signal, this.settings.timeout, this)
        try {
          if (this.closed) throw this.closedError()
          signal?.throwIfAborted() // aborted while its slot was on the way
          conn = await this.connector.open()
        } catch (err) {
          this.limit.give()
          throw err
        }
      } else conn = await this.connector.open()
    } catch (err) {
      this.opening--
      this.serveWaiter()
      throw err
    }
    this.opening--
    this.born.set(conn, Date.now())
    if (this.closed) {
      this.discard(conn)
      throw this.closedError()
    }
    this.out.add(conn)
    return conn
  }

  /**
   * Gives a waiter room for a new connection when there is some. The waiter opens it itself:
   * opened here, it would belong to the request releasing a connection (workerd).
   */
  private serveWaiter(): void {
    if (this.closed || this.full) return
    const waiter = this.waiters.shift()
    if (waiter === undefined) return
    clearTimeout(waiter.timer)
    this.opening++ // reserved for the waiter
    waiter.resolve(room)
  }

  release(conn: C, broken: boolean): Promise<void> {
    if (!this.out.delete(conn)) return Promise.resolve()
    if (broken || this.closed || this.expired(conn)) return this.discardAndServe(conn)
    // only a pool that may keep a connection for anyone may hand it to a waiter: without
    // keepIdle, the waiter may be another request, which must never use this socket (workerd)
    if (!this.settings.keepIdle) return this.discardAndServe(conn)
    const waiter = this.waiters.shift()
    if (waiter !== undefined) {
      clearTimeout(waiter.timer)
      this.out.add(conn)
      waiter.resolve(conn)
    } else if (this.idle.length < this.settings.size) this.idle.push(conn)
    else return this.discard(conn)
    return Promise.resolve()
  }

  private discardAndServe(conn: C): Promise<void> {
    const closed = this.discard(conn)
    this.serveWaiter()
    return closed
  }

  /**
   * Closes a connection; under a limit its socket slot is given back once the socket has
   * closed (at most `closeGrace`), and the promise says when (without a limit: at once).
   */
  private discard(conn: C): Promise<void> {
    if (!this.born.delete(conn)) return Promise.resolve()
    const limit = this.limit
    let p = settleWithin(this.connector.close(conn), closeGrace)
    if (limit !== undefined) p = p.then(() => limit.give())
    this.closing.add(p)
    p.finally(() => this.closing.delete(p))
    return limit === undefined ? Promise.resolve() : p
  }

  async closeIdle(): Promise<void> {
    for (const conn of this.idle.splice(0)) this.discard(conn)
    await Promise.all(this.closing)
  }

  async close(force: boolean): Promise<void> {
    this.closed = true
    this.limit?.cancel(this, this.closedError())
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer)
      w.reject(this.closedError())
    }
    if (force) for (const conn of this.out) this.discard(conn)
    await this.closeIdle()
  }
}
