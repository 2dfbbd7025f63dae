/**
 * At most `max` sockets open at once across every connection source of one adapter, handed out
 * as room to open a socket rather than as sockets (workerd ties a socket to its request).
 * @module
 */
import { TimeoutError } from '../../core/errors.js'

/** A caller waiting for a socket of a {@link SocketLimit}. */
interface SlotWaiter {
  /** Who waits (a pool): {@link SocketLimit.cancel} ends its waits. */
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
 * (its connections outside any scope and those of every request scope): the database never sees
 * more backends than that from one isolate. A freed socket slot goes to the longest waiter as
 * room to open a socket of its own, never as a socket: workerd ties a socket to the request
 * that opened it, so the waiter opens it itself, from its own request, when it wakes.
 */
export class SocketLimit {
  private used = 0
  private readonly queue: SlotWaiter[] = []
  /** Slots given to waiters that have not yet claimed them. */
  private readonly unclaimed = new Set<Slot>()

  /** `name`: the adapter's, for the timeout's message. */
  constructor(
    readonly max: number,
    readonly name = 'adapter',
  ) {}

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
                `${this.name}: all ${this.max} sockets of this isolate's limit (maxConnections) stayed in use, none freed up within ${timeout} ms (poolTimeout)`,
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
