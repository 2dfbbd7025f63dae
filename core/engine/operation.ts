/**
 * One operation of a session, connection or engine: its time limit and abort signal, and the
 * gate that lets one operation at a time through a session or connection.
 * @module
 */
import {
  ArgumentError,
  ConcurrentOperationError,
  EdgeAlchemyError,
  StatementTimeoutError,
} from '../errors.js'

/** Options every operation takes (`execute`, `get`, `commit`, ...). */
export interface OperationOptions {
  /**
   * Milliseconds the whole operation may take (a `commit()` is one operation); `null` for no
   * limit. Default: the engine's `timeout` (30 s).
   */
  readonly timeout?: number | null | undefined
  /** Aborts the operation; passed down to fetch, the WebSocket and driver calls. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Options of a call made as part of another operation (a session's): its limit and signal. Used
 * by the library itself; published because the ORM's declarations name it.
 */
export interface PartOfOperation extends OperationOptions {
  readonly partOf?: Operation | undefined
}

/** The engine's default operation timeout (ms). */
export const defaultOperationTimeout = 30_000

/** Checks a `timeout` option: a positive number of ms, `null` (none) or undefined (the default). */
export function checkTimeout(timeout: unknown, where: string): number | null | undefined {
  if (timeout === undefined || timeout === null) return timeout
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))
    throw new ArgumentError(
      `${where}: timeout must be a positive number of milliseconds or null, got ${String(timeout)}`,
    )
  return timeout
}

/** What an operation needs of an adapter: whether it hands an abort signal to its transport. */
interface SignalUser {
  /** False when the adapter's calls cannot be cancelled (the operation only stops waiting). */
  readonly usesAbortSignal?: boolean | undefined
}

/**
 * An operation in flight: its time limit, the caller's signal and its owner's `close()` can
 * each end it. Cheap when nothing fires: one timer, one promise to race; an `AbortSignal` is
 * made only for an adapter that hands one to its transport (fetch, a socket).
 */
export class Operation {
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #caller: AbortSignal | undefined
  #onCallerAbort: (() => void) | undefined
  #aborted = false
  #reason: unknown
  #controller: AbortController | undefined
  #rejectRace: ((reason: unknown) => void) | undefined
  #racing: Promise<never> | undefined
  /** Called once when the operation is aborted (children, signals made for adapters). */
  #onAbort: ((reason: unknown) => void)[] | undefined
  #ended = false
  #settle: (() => void) | undefined
  #done: Promise<void> | undefined
  /** Set once bytes of a commit, batch or autocommitting write were handed to the transport. */
  mayHaveCommitted = false
  /** True when something may abort the operation: a timer, a signal, a parent, or its owner's close(). */
  cuttable: boolean

  constructor(
    readonly name: string,
    readonly timeout: number | null,
    signal: AbortSignal | undefined,
    readonly owner: string,
    /** The operation this one is part of (a session operation, for its connection's calls). */
    readonly parent?: Operation,
  ) {
    this.#caller = signal
    this.cuttable = timeout !== null || signal !== undefined || parent !== undefined
    if (parent !== undefined) {
      if (parent.aborted) this.#fire(parent.reason)
      else parent.#listen((r) => this.#fire(r))
    }
    if (signal !== undefined) {
      if (signal.aborted) this.#fire(signal.reason)
      else {
        this.#onCallerAbort = () => this.#fire(signal.reason)
        signal.addEventListener('abort', this.#onCallerAbort, { once: true })
      }
    }
    if (timeout !== null && !this.#aborted)
      this.#timer = setTimeout(
        () =>
          this.#fire(
            new StatementTimeoutError(
              `${owner} ${name}() did not finish within its timeout of ${timeout} ms`,
            ),
          ),
        timeout,
      )
  }

  #listen(fn: (reason: unknown) => void): void {
    ;(this.#onAbort ??= []).push(fn)
  }

  #fire(reason: unknown): void {
    if (this.#aborted || this.#ended) return
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
    this.#rejectRace?.(reason)
    for (const fn of this.#onAbort ?? []) fn(reason)
  }

  /** True once the time is up, the caller aborted, or the owner cut the operation short. */
  get aborted(): boolean {
    return this.#aborted
  }

  /** Why the operation was aborted. */
  get reason(): unknown {
    return this.#reason
  }

  /** A signal that fires with the operation (made on first use). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /**
   * The signal to hand `adapter`: the operation's own where the adapter passes signals to its
   * transport; otherwise only the caller's (such calls are raced instead, see {@link race}).
   */
  signalFor(adapter: SignalUser): AbortSignal | undefined {
    return adapter.usesAbortSignal === false ? this.#caller : this.signal
  }

  /** Settles with `promise`, unless the operation is aborted first (then rejects with the reason). */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#aborted) {
      promise.catch(() => undefined)
      return Promise.reject(this.#reason)
    }
    // nothing can end it early (no timer, no signal, no parent, no gate): no race to pay for
    if (this.#ended || !this.cuttable) return promise
    this.#racing ??= new Promise<never>((_, reject) => {
      this.#rejectRace = reject
    })
    this.#racing.catch(() => undefined)
    return Promise.race([promise, this.#racing])
  }

  /** Aborts the operation now (its owner is closing and will not wait any longer). */
  abort(reason: unknown): void {
    this.#fire(reason)
  }

  /** The error to raise when the operation was aborted, given the error it saw. */
  abortError(seen: unknown): unknown {
    const reason = this.#reason
    if (reason instanceof StatementTimeoutError) {
      return seen === reason
        ? reason
        : new StatementTimeoutError(reason.message, {
            cause: seen instanceof EdgeAlchemyError ? seen : reason,
          })
    }
    return reason ?? seen
  }

  /** Resolves when the operation ends (for `close()`, which waits for it). */
  get done(): Promise<void> {
    if (this.#ended) return Promise.resolve()
    this.#done ??= new Promise<void>((resolve) => {
      this.#settle = resolve
    })
    return this.#done
  }

  /** Clears the timer and the caller's listener; wakes anyone waiting in `done`. */
  end(): void {
    if (this.#ended) return
    this.#ended = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    if (this.#onCallerAbort !== undefined) this.#caller?.removeEventListener('abort', this.#onCallerAbort)
    this.#onAbort = undefined
    this.#settle?.()
  }
}

/** Resolves after `ms` (never, for null), with a way to stop waiting. */
function delay(ms: number | null): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined
  const promise = new Promise<void>((resolve) => {
    if (ms !== null) timer = setTimeout(resolve, ms)
  })
  return { promise, cancel: () => clearTimeout(timer) }
}

/**
 * Lets one operation at a time through a session or connection. A call made while another is
 * in flight raises {@link ConcurrentOperationError} at once: no queueing, nothing sent.
 * `close()` is not such a call: it waits for the operation in flight ({@link drain}).
 */
export class OperationGate {
  #current: Operation | undefined

  /** `owner` names the object in messages: `session`, `connection`. */
  constructor(readonly owner: string) {}

  /** The operation in flight, if any. */
  get current(): Operation | undefined {
    return this.#current
  }

  /**
   * Starts an operation, or throws `ConcurrentOperationError` when one is in flight. The caller
   * must call `leave(op)` when it settles.
   */
  /** Throws `ConcurrentOperationError` when an operation is in flight (for answers without I/O). */
  check(name: string): void {
    const busy = this.#current
    if (busy !== undefined) throw this.refusal(name, busy)
  }

  private refusal(name: string, busy: Operation): ConcurrentOperationError {
    return new ConcurrentOperationError(
      `${name}() was called while ${busy.name}() is still in flight on this ${this.owner}: ` +
        `concurrent operations are not permitted on one ${this.owner}. Await each call, or use one ` +
        `${this.owner} per concurrent task`,
    )
  }

  enter(
    name: string,
    options: OperationOptions | undefined,
    defaultTimeout: number | null,
    parent?: Operation,
  ): Operation {
    const busy = this.#current
    if (busy !== undefined) throw this.refusal(name, busy)
    const timeout = checkTimeout(options?.timeout, `${name}()`)
    const op = new Operation(
      name,
      timeout === undefined ? defaultTimeout : timeout,
      options?.signal,
      this.owner,
      parent,
    )
    op.cuttable = true // close() may cut it short
    this.#current = op
    return op
  }

  /** Takes the gate for `name` whatever is in flight (`close()`, after {@link drain}). */
  seize(name: string, timeout: number | null): Operation {
    const op = new Operation(name, timeout, undefined, this.owner)
    op.cuttable = true
    this.#current = op
    return op
  }

  /** Ends `op` (a no-op for any other). */
  leave(op: Operation): void {
    op.end()
    if (this.#current === op) this.#current = undefined
  }

  /**
   * Waits for the operation in flight to settle, at most `graceMs` (null: as long as it takes);
   * then aborts it. Resolves true when it settled by itself.
   */
  async drain(graceMs: number | null): Promise<boolean> {
    const op = this.#current
    if (op === undefined) return true
    const wait = delay(graceMs)
    const settled = await Promise.race([op.done.then(() => true), wait.promise.then(() => false)])
    wait.cancel()
    if (settled) return true
    op.abort(new StatementTimeoutError(`${op.owner} ${op.name}() was cut short by close()`))
    // an aborted call settles at once where the transport honours the signal; give it a moment
    const brief = delay(1_000)
    await Promise.race([op.done, brief.promise])
    brief.cancel()
    return false
  }
}
