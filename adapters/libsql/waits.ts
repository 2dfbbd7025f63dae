/**
 * Waiting instead of failing: a transaction of a local libSQL database waits for one of the
 * client's connections, and a statement refused with `SQLITE_BUSY` (another connection holds
 * the write lock) waits for its turn and runs again. Waiters are served in the order they came;
 * a transaction that ends wakes the first one, and the first one also polls, as SQLite's own busy
 * handler does, for writers this process cannot see.
 * @module
 */
import type { Statement } from '../../core/engine/adapter.js'
import { TimeoutError } from '../../core/errors.js'

/** How long a call waits for a connection or the write lock by default (ms): the engine's operation timeout. */
export const defaultBusyTimeout = 30_000

/** SQLite's busy handler delays (ms), then 100 ms each time. */
const backoff = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50]

/** Why a wait ended without its turn: its transaction ended or its signal aborted. */
export class WaitCancelled extends Error {
  override name = 'WaitCancelled'
}

interface Waiter {
  resolve(): void
  reject(err: unknown): void
  attempt: number
  timer: ReturnType<typeof setTimeout> | undefined
}

/** Something a wait can be cancelled by: a transaction ending, a signal. */
export interface Cancellation {
  /** True once waiting is pointless. */
  readonly cancelled: boolean
  /** Calls `fn` once when cancelled; returns a function that stops listening. */
  onCancel(fn: (reason: unknown) => void): () => void
}

/** Cancellation by an optional AbortSignal (none: never cancelled). */
export function bySignal(signal: AbortSignal | undefined): Cancellation {
  return {
    get cancelled() {
      return signal?.aborted === true
    },
    onCancel(fn) {
      if (signal === undefined) return () => undefined
      const listener = () => fn(signal.reason)
      signal.addEventListener('abort', listener, { once: true })
      return () => signal.removeEventListener('abort', listener)
    },
  }
}

/**
 * The callers waiting for something a transaction's end may free: the write lock, a connection.
 * `wake()` lets the first one try again; the first one also retries after a backoff.
 */
export class TurnQueue {
  readonly #queue: Waiter[] = []

  /** Callers waiting now. */
  get size(): number {
    return this.#queue.length
  }

  /**
   * Resolves when it is worth trying again; rejects with the cancellation's reason. `front` keeps
   * the place of a caller that had its turn and must wait again.
   */
  wait(cancellation: Cancellation, attempt: number, front: boolean): Promise<void> {
    if (cancellation.cancelled) return Promise.reject(new WaitCancelled('The wait was cancelled'))
    return new Promise<void>((resolve, reject) => {
      let stop: () => void = () => undefined
      const waiter: Waiter = {
        attempt,
        timer: undefined,
        resolve: () => {
          stop()
          resolve()
        },
        reject: (err) => {
          stop()
          reject(err)
        },
      }
      stop = cancellation.onCancel((reason) => {
        this.#remove(waiter)
        reject(reason ?? new WaitCancelled('The wait was cancelled'))
      })
      if (front) this.#queue.unshift(waiter)
      else this.#queue.push(waiter)
      this.#armHead()
    })
  }

  /** Lets the first waiter try again (a transaction ended). */
  wake(): void {
    const head = this.#queue.shift()
    if (head === undefined) return
    if (head.timer !== undefined) clearTimeout(head.timer)
    head.timer = undefined
    this.#armHead()
    head.resolve()
  }

  /** Rejects every waiter (the adapter is closing). */
  rejectAll(err: unknown): void {
    for (const w of this.#queue.splice(0)) {
      if (w.timer !== undefined) clearTimeout(w.timer)
      w.reject(err)
    }
  }

  #remove(waiter: Waiter): void {
    const i = this.#queue.indexOf(waiter)
    if (i < 0) return
    this.#queue.splice(i, 1)
    if (waiter.timer !== undefined) clearTimeout(waiter.timer)
    if (i === 0) this.#armHead()
  }

  /** The first waiter polls: the holder may be outside this process (another engine or process). */
  #armHead(): void {
    const head = this.#queue[0]
    if (head === undefined || head.timer !== undefined) return
    head.timer = setTimeout(() => {
      head.timer = undefined
      if (this.#queue[0] === head) this.#queue.shift()
      this.#armHead()
      head.resolve()
    }, backoff[head.attempt] ?? 100)
  }
}

/**
 * Counts the client's connections held by open transactions. One connection stays free for
 * calls outside transactions, which the client serves between transactions' statements.
 */
export class ConnectionSlots {
  #size: number
  #held = 0

  /** `size`: the client's connections (`concurrency`, 20 by default). */
  constructor(size: number) {
    this.#size = size
  }

  /** Slots held now. */
  get held(): number {
    return this.#held
  }

  /** Connections transactions may hold at once. */
  get limit(): number {
    return Math.max(1, this.#size - 1)
  }

  /** Takes a slot when one is free. */
  tryTake(): boolean {
    if (this.#held >= this.limit) return false
    this.#held++
    return true
  }

  /** Gives a slot back. */
  give(): void {
    if (this.#held > 0) this.#held--
  }

  /** The client refused a transaction with every connection held: it has fewer than assumed. */
  learnSize(openTransactions: number): void {
    this.#size = Math.max(1, Math.min(this.#size, openTransactions))
  }
}

/** The error when the wait for a connection outlasted `busyTimeout`. */
export function noConnectionError(limit: number, waitedMs: number): TimeoutError {
  return new TimeoutError(
    `No connection of the libSQL client became free within ${waitedMs} ms: all ${limit} that transactions ` +
      "may hold are held by open transactions. Commit or roll back sooner, or raise the client's `concurrency`",
  )
}

/**
 * The write lock of a local database, as this process hands it out: one holder at a time, the
 * others wait in turn. A write never reaches SQLite while another transaction of this process
 * holds the lock, because the embedded driver leaves a statement refused with `SQLITE_BUSY`
 * unfinished on its connection, and every later COMMIT there fails ("SQL statements in progress").
 */
export class WriteTurn {
  #holder: object | undefined
  /** Writes outside transactions in flight: they exclude transactions, not each other. */
  #shared = 0
  /** Writes committed in this process (transactions that held the turn, writes outside them). */
  commits = 0
  readonly #queue = new TurnQueue()

  /** True when `owner` holds the turn. */
  heldBy(owner: object): boolean {
    return this.#holder === owner
  }

  /**
   * Takes the turn for `owner`, waiting in turn. `check` runs before each try and may throw (a
   * snapshot made stale by a commit). Rejects when cancelled or after `limitMs`.
   */
  async take(owner: object, cancellation: Cancellation, limitMs: number, check: () => void): Promise<void> {
    check()
    if (this.#free && this.#queue.size === 0) {
      this.#holder = owner
      return
    }
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      const left = limitMs - (Date.now() - started)
      if (left <= 0) throw lockWaitError(limitMs)
      await this.#queue.wait(cancellation, attempt, attempt > 0)
      check()
      if (this.#free) {
        this.#holder = owner
        // the next waiter checks again when this turn ends
        return
      }
    }
  }

  get #free(): boolean {
    return this.#holder === undefined && this.#shared === 0
  }

  /**
   * Lets a write outside transactions go: at once when no transaction holds the turn or waits
   * for it; otherwise in turn, or refused at once when it `mayWait` not.
   */
  async enterShared(cancellation: Cancellation, limitMs: number, mayWait: boolean): Promise<void> {
    if (this.#holder === undefined && this.#queue.size === 0) {
      this.#shared++
      return
    }
    if (!mayWait) throw lockHeldError()
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      const left = limitMs - (Date.now() - started)
      if (left <= 0) throw lockWaitError(limitMs)
      await this.#queue.wait(cancellation, attempt, attempt > 0)
      if (this.#holder === undefined) {
        this.#shared++
        // writes behind this one may go together with it
        this.#queue.wake()
        return
      }
    }
  }

  /** A write outside transactions ended (`wrote`: it committed). */
  leaveShared(wrote: boolean): void {
    if (this.#shared > 0) this.#shared--
    if (wrote) this.commits++
    if (this.#shared === 0) this.#queue.wake()
  }

  /** Ends `owner`'s turn; `wrote` when it committed. The next waiter goes. */
  release(owner: object, wrote: boolean): void {
    if (this.#holder !== owner) return
    this.#holder = undefined
    if (wrote) this.commits++
    this.#queue.wake()
  }

  /** Rejects every waiter (the adapter is closing). */
  rejectAll(err: unknown): void {
    this.#queue.rejectAll(err)
  }
}

/** A refusal shaped as the driver's SQLITE_BUSY (so it translates to a retryable OperationalError). */
export class LockRefusal extends Error {
  override name = 'LibsqlError'
  readonly code = 'SQLITE_BUSY'
  readonly extendedCode = 'SQLITE_BUSY'
}

/** The write lock stayed held longer than the wait allows. */
export function lockWaitError(waitedMs: number): LockRefusal {
  return new LockRefusal(
    `SQLITE_BUSY: database is locked: another transaction of this process held the write lock for more than ${waitedMs} ms`,
  )
}

/** The transaction read before another committed a write: SQLite cannot write from its stale snapshot. */
export function staleSnapshotError(): LockRefusal {
  return new LockRefusal(
    'SQLITE_BUSY: database is locked: the transaction read the database before another transaction committed a ' +
      'write, and SQLite cannot write from that stale snapshot (SQLITE_BUSY_SNAPSHOT). Roll back and run the ' +
      'transaction again',
  )
}

/** A write outside transactions that cannot wait (a time limit without a signal). */
export function lockHeldError(): LockRefusal {
  return new LockRefusal(
    'SQLITE_BUSY: database is locked: a transaction of this process holds the write lock (this call has a timeout ' +
      'but no signal, so it does not wait)',
  )
}

const readStart = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(SELECT|VALUES|WITH|EXPLAIN)\b/i
const writeWord = /\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b/i

/**
 * True when SQL only reads: it starts with SELECT or VALUES, or with WITH or EXPLAIN and names no
 * write. Anything else counts as a write (it waits for the write turn), which is never wrong.
 */
export function onlyReads(sql: string): boolean {
  const first = readStart.exec(sql)?.[1]?.toUpperCase()
  if (first === undefined) return false
  return first === 'SELECT' || first === 'VALUES' || !writeWord.test(sql)
}

/**
 * True when the statement only reads: the engine's `writes` flag where it set one (a query, or
 * a DML verb, which writes even when it returns rows), else {@link onlyReads} of its SQL.
 */
export function readsOnly(stmt: Statement): boolean {
  const writes = stmt.writes
  return writes === undefined ? onlyReads(stmt.sql) : writes === false
}
