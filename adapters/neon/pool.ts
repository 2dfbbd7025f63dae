/**
 * Where the neon adapter gets its connections: its own pool over driver `Client`s (after
 * SQLAlchemy's QueuePool: `poolSize` kept, `maxOverflow` more while busy, `poolTimeout` to wait,
 * `poolRecycle` age) or a driver `Pool` the caller made, and the {@link SocketLimit} that bounds
 * the sockets of every request of an isolate in request mode. Web-standard only.
 * @module
 */
import { InterfaceError, TimeoutError } from '../../core/errors.js'

/** A place connections come from and go back to. */
export interface ConnectionSource<C> {
  acquire(signal?: AbortSignal): Promise<C>
  /**
   * Gives a connection back; `broken` ones (transport failure, unknown state) are closed.
   * Resolves once its socket is free for another caller: at once, or (under a
   * {@link SocketLimit}) when a closed connection's socket has closed, at most `closeGrace` later.
   */
  release(conn: C, broken: boolean): Promise<void>
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
  /**
   * Keep released connections idle for reuse (false: close each on release). Also whether a
   * released connection may go straight to a waiter: a pool that keeps none idle may be shared
   * by requests that must never use each other's sockets (workerd), so it never hands one over.
   */
  readonly keepIdle: boolean
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

/** A caller waiting for a socket of a {@link SocketLimit}. */
interface SlotWaiter {
  /** Who waits (a {@link QueuePool}): {@link SocketLimit.cancel} ends its waits. */
  readonly owner: object | undefined
  grant(slot: Slot): void
  leave(err: unknown): void
}

/** A socket slot given to a waiter; it is the waiter's once it claims it. */
interface Slot {
  readonly at: number
  revoked: boolean
}

/**
 * A waiter given a slot claims it when its own code runs again. workerd runs that code in the
 * waiter's request; a request cancelled meanwhile (its client went away) never runs it, so a
 * slot not claimed within this time goes to the next waiter (the late claimer waits again).
 */
const claimGrace = 5000

/**
 * At most `max` sockets open at once, shared by every source of one adapter in request mode
 * (its connections outside any scope and those of every request scope): PostgreSQL never sees
 * more backends than that from one isolate. A freed socket slot goes to the longest waiter as
 * room to open a socket of its own, never as a socket: workerd ties a socket to the request
 * that opened it, so the waiter opens it itself, from its own request, when it wakes.
 */
export class SocketLimit {
  private used = 0
  private readonly queue: SlotWaiter[] = []
  /** Slots given to waiters that have not yet claimed them. */
  private readonly unclaimed = new Set<Slot>()

  constructor(readonly max: number) {}

  /**
   * Takes a socket slot, waiting while `max` are in use: up to `timeout` ms (-1: forever, a
   * `TimeoutError` after) or until `signal` aborts. Call {@link give} once the socket is closed.
   */
  async take(signal: AbortSignal | undefined, timeout: number, owner?: object): Promise<void> {
    signal?.throwIfAborted()
    this.reclaim()
    if (this.used < this.max && this.queue.length === 0) {
      this.used++
      return
    }
    const deadline = timeout >= 0 ? Date.now() + timeout : Number.POSITIVE_INFINITY
    let first = false
    for (;;) {
      const slot = await this.wait(signal, timeout, deadline, first, owner)
      // this runs in the waiter's own request: the slot is its socket to open now
      if (!slot.revoked) {
        this.unclaimed.delete(slot)
        return
      }
      first = true // given too late: wait again, ahead of the others
    }
  }

  private wait(
    signal: AbortSignal | undefined,
    timeout: number,
    deadline: number,
    first: boolean,
    owner: object | undefined,
  ): Promise<Slot> {
    return new Promise<Slot>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const onAbort = () => waiter.leave(signal?.reason)
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        const i = this.queue.indexOf(waiter)
        if (i >= 0) this.queue.splice(i, 1)
      }
      const waiter: SlotWaiter = {
        owner,
        grant(slot) {
          done()
          resolve(slot)
        },
        leave: (err) => {
          done()
          reject(err)
          this.reclaim()
        },
      }
      if (signal?.aborted) return reject(signal.reason)
      if (deadline !== Number.POSITIVE_INFINITY)
        timer = setTimeout(
          () =>
            waiter.leave(
              new TimeoutError(
                `neon: all ${this.max} sockets of this isolate's limit (maxConnections) stayed in use, none freed up within ${timeout} ms (poolTimeout)`,
              ),
            ),
          Math.max(0, deadline - Date.now()),
        )
      signal?.addEventListener('abort', onAbort, { once: true })
      if (first) this.queue.unshift(waiter)
      else this.queue.push(waiter)
    })
  }

  /** Ends the waits of `owner` with `err` (a pool closing). */
  cancel(owner: object, err: unknown): void {
    for (const w of this.queue.filter((w) => w.owner === owner)) w.leave(err)
  }

  /** Gives back the slot of a socket that has closed (or was never opened). */
  give(): void {
    this.used--
    this.serve()
  }

  /** Hands free slots to waiters, in order. */
  private serve(): void {
    while (this.used < this.max) {
      const waiter = this.queue[0]
      if (waiter === undefined) return
      this.used++
      const slot: Slot = { at: Date.now(), revoked: false }
      this.unclaimed.add(slot)
      waiter.grant(slot) // leaves the queue
    }
  }

  /** Takes back slots given to waiters that never woke up to claim them (cancelled requests). */
  private reclaim(): void {
    if (this.unclaimed.size === 0) return
    const now = Date.now()
    for (const slot of this.unclaimed)
      if (now - slot.at >= claimGrace) {
        slot.revoked = true
        this.unclaimed.delete(slot)
        this.used--
      }
    this.serve()
  }
}

/**
 * A pool of connections this adapter opened itself. With a {@link SocketLimit}, each new
 * connection first takes a socket slot (waiting in the caller's own request for one) and a
 * closed connection gives its slot back once its socket has closed.
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
                `neon pool limit of size ${size} overflow ${maxOverflow} reached, no connection freed up within ${timeout} ms (poolTimeout)`,
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
          if (this.closed) throw new InterfaceError('The neon adapter is closed')
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
      throw new InterfaceError('The neon adapter is closed')
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
    this.limit?.cancel(this, new InterfaceError('The neon adapter is closed'))
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
