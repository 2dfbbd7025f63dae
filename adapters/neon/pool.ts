/**
 * Where the neon adapter gets its connections: its own pool over driver `Client`s (after
 * SQLAlchemy's QueuePool: `poolSize` kept, `maxOverflow` more while busy, `poolTimeout` to wait,
 * `poolRecycle` age) or a driver `Pool` the caller made. Web-standard only.
 * @module
 */
import { InterfaceError, TimeoutError } from '../../core/errors.js'

/** A place connections come from and go back to. */
export interface ConnectionSource<C> {
  acquire(signal?: AbortSignal): Promise<C>
  /** Gives a connection back; `broken` ones (transport failure, unknown state) are closed. */
  release(conn: C, broken: boolean): void
  /** Closes idle connections now. */
  closeIdle(): Promise<void>
  /** Closes the source: idle connections now, checked-out ones on release, or now when `force`. */
  close(force: boolean): Promise<void>
}

/** How connections are opened and closed. */
export interface Connector<C> {
  open(): Promise<C>
  close(conn: C): Promise<void>
  /** False for a connection that can no longer be used (its socket failed while idle). */
  usable?(conn: C): boolean
}

/** Sizes and times of a {@link QueuePool} (times in ms; `-1` means unlimited / never). */
export interface PoolSettings {
  readonly size: number
  readonly maxOverflow: number
  readonly timeout: number
  readonly recycle: number
  /** Keep released connections idle for reuse (false: close each on release). */
  readonly keepIdle: boolean
}

interface Waiter<C> {
  resolve(conn: C): void
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

/** A pool of connections this adapter opened itself. */
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
  ) {}

  /** Connections open or being opened. */
  get total(): number {
    return this.born.size + this.opening
  }

  private get full(): boolean {
    const { size, maxOverflow } = this.settings
    return maxOverflow >= 0 && this.total >= size + maxOverflow
  }

  private expired(conn: C): boolean {
    const r = this.settings.recycle
    return r >= 0 && Date.now() - (this.born.get(conn) ?? 0) >= r
  }

  acquire(signal?: AbortSignal): Promise<C> {
    if (this.closed) return Promise.reject(new InterfaceError('The neon adapter is closed'))
    signal?.throwIfAborted()
    for (let conn = this.idle.pop(); conn !== undefined; conn = this.idle.pop()) {
      if (!this.expired(conn) && this.connector.usable?.(conn) !== false) {
        this.out.add(conn)
        return Promise.resolve(conn)
      }
      this.discard(conn)
    }
    if (!this.full) return this.openNew()
    return new Promise<C>((resolve, reject) => {
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
                `neon pool limit of size ${size} overflow ${maxOverflow} reached, no connection freed up within ${timeout} ms (poolTimeout)`,
              ),
            ),
          timeout,
        )
      signal?.addEventListener('abort', () => leave(signal.reason), { once: true })
      this.waiters.push(waiter)
    })
  }

  private async openNew(): Promise<C> {
    this.opening++
    let conn: C
    try {
      conn = await this.connector.open()
    } catch (err) {
      this.opening--
      this.serveWaiter()
      throw err
    }
    this.opening--
    this.born.set(conn, Date.now())
    if (this.closed) {
      this.discard(conn)
      throw new InterfaceError('The neon adapter is closed')
    }
    this.out.add(conn)
    return conn
  }

  /** Hands a waiter a new connection when there is room for one. */
  private serveWaiter(): void {
    if (this.closed || this.full) return
    const waiter = this.waiters.shift()
    if (waiter === undefined) return
    clearTimeout(waiter.timer)
    this.openNew().then(waiter.resolve, waiter.reject)
  }

  release(conn: C, broken: boolean): void {
    if (!this.out.delete(conn)) return
    if (broken || this.closed || this.expired(conn)) {
      this.discard(conn)
      this.serveWaiter()
      return
    }
    const waiter = this.waiters.shift()
    if (waiter !== undefined) {
      clearTimeout(waiter.timer)
      this.out.add(conn)
      waiter.resolve(conn)
    } else if (this.settings.keepIdle && this.idle.length < this.settings.size) this.idle.push(conn)
    else this.discard(conn)
  }

  private discard(conn: C): void {
    if (!this.born.delete(conn)) return
    const p = settleWithin(this.connector.close(conn), closeGrace)
    this.closing.add(p)
    p.finally(() => this.closing.delete(p))
  }

  async closeIdle(): Promise<void> {
    for (const conn of this.idle.splice(0)) this.discard(conn)
    await Promise.all(this.closing)
  }

  async close(force: boolean): Promise<void> {
    this.closed = true
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer)
      w.reject(new InterfaceError('The neon adapter is closed'))
    }
    if (force) for (const conn of this.out) this.discard(conn)
    await this.closeIdle()
  }
}

/** The subset of a driver `Pool` / `PoolClient` the adapter uses. */
export interface DriverPool<C extends DriverPoolClient> {
  connect(): Promise<C>
}
export interface DriverPoolClient {
  release(destroy?: boolean | Error): void
}

/**
 * Connections from a driver `Pool` the caller made (its own `max`, idle and lifetime settings
 * apply); `poolTimeout` bounds the wait. With `destroyOnRelease` no connection goes back to
 * the pool (per-request scoping).
 */
export class DriverPoolSource<C extends DriverPoolClient> implements ConnectionSource<C> {
  private readonly out = new Set<C>()
  private closed = false

  constructor(
    private readonly pool: DriverPool<C>,
    private readonly timeout: number,
    private readonly destroyOnRelease: boolean,
  ) {}

  async acquire(signal?: AbortSignal): Promise<C> {
    if (this.closed) throw new InterfaceError('The neon adapter is closed')
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
                new TimeoutError(`the neon Pool gave no connection within ${this.timeout} ms (poolTimeout)`),
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

  release(conn: C, broken: boolean): void {
    if (!this.out.delete(conn)) return
    conn.release(broken || this.destroyOnRelease || this.closed)
  }

  async closeIdle(): Promise<void> {}

  async close(force: boolean): Promise<void> {
    this.closed = true
    if (force) for (const conn of [...this.out]) this.release(conn, true)
  }
}
