/**
 * One operation of a session, connection or engine: its time limit and abort signal, and the
 * gate that lets one operation at a time through a session or connection.
 * @module
 */
import {
  ArgumentError,
  CommitOutcomeUnknownError,
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

/**
 * An operation in flight: a signal that fires when its time is up, when the caller's signal
 * aborts, or when its owner closes it; and whether a committing write may have left.
 */
export class Operation {
  readonly #controller: AbortController | undefined
  readonly #timer: ReturnType<typeof setTimeout> | undefined
  readonly #caller: AbortSignal | undefined
  readonly #onCallerAbort: (() => void) | undefined
  #settled!: () => void
  /** Resolves when the operation ends (for `close()`, which waits for it). */
  readonly done: Promise<void>
  /** Set once bytes of a commit, batch or autocommitting write were handed to the transport. */
  mayHaveCommitted = false

  constructor(
    readonly name: string,
    readonly timeout: number | null,
    signal: AbortSignal | undefined,
    readonly owner: string,
  ) {
    this.done = new Promise<void>((resolve) => {
      this.#settled = resolve
    })
    if (timeout === null && signal === undefined) return
    const controller = new AbortController()
    this.#controller = controller
    this.#caller = signal
    if (signal !== undefined) {
      if (signal.aborted) controller.abort(signal.reason)
      else {
        this.#onCallerAbort = () => controller.abort(signal.reason)
        signal.addEventListener('abort', this.#onCallerAbort, { once: true })
      }
    }
    if (timeout !== null && !controller.signal.aborted)
      this.#timer = setTimeout(
        () =>
          controller.abort(
            new StatementTimeoutError(
              `${owner} ${name}() did not finish within its timeout of ${timeout} ms`,
            ),
          ),
        timeout,
      )
  }

  /** The signal handed to adapters; undefined when there is neither a timeout nor a caller signal. */
  get signal(): AbortSignal | undefined {
    return this.#controller?.signal
  }

  /** True once the time is up or the caller aborted. */
  get aborted(): boolean {
    return this.#controller?.signal.aborted === true
  }

  /** Aborts the operation now (its owner is closing and will not wait any longer). */
  abort(reason: unknown): void {
    this.#controller?.abort(reason)
  }

  /** The error to raise when the signal has fired, given the error the operation saw. */
  abortError(seen: unknown): unknown {
    const reason = this.#controller?.signal.reason
    if (reason instanceof StatementTimeoutError) {
      return seen === reason
        ? reason
        : new StatementTimeoutError(reason.message, {
            cause: seen instanceof EdgeAlchemyError ? seen : reason,
          })
    }
    return reason ?? seen
  }

  /** Clears the timer and the caller's listener; wakes anyone waiting in `done`. */
  end(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    if (this.#onCallerAbort !== undefined) this.#caller?.removeEventListener('abort', this.#onCallerAbort)
    this.#settled()
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
  enter(name: string, options: OperationOptions | undefined, defaultTimeout: number | null): Operation {
    const busy = this.#current
    if (busy !== undefined)
      throw new ConcurrentOperationError(
        `${name}() was called while ${busy.name}() is still in flight on this ${this.owner}: ` +
          `concurrent operations are not permitted on one ${this.owner}. Await each call, or use one ` +
          `${this.owner} per concurrent task`,
      )
    const timeout = checkTimeout(options?.timeout, `${name}()`)
    const op = new Operation(
      name,
      timeout === undefined ? defaultTimeout : timeout,
      options?.signal,
      this.owner,
    )
    this.#current = op
    return op
  }

  /** Takes the gate for `name` whatever is in flight (`close()`, after {@link drain}). */
  seize(name: string, timeout: number | null): Operation {
    const op = new Operation(name, timeout, undefined, this.owner)
    this.#current = op
    return op
  }

  /** Ends `op` (a no-op for any other). */
  leave(op: Operation): void {
    op.end()
    if (this.#current === op) this.#current = undefined
  }

  /** Runs `fn` as one operation. */
  async run<T>(
    name: string,
    options: OperationOptions | undefined,
    defaultTimeout: number | null,
    fn: (op: Operation) => Promise<T>,
  ): Promise<T> {
    const op = this.enter(name, options, defaultTimeout)
    try {
      return await fn(op)
    } catch (err) {
      throw op.aborted && !(err instanceof CommitOutcomeUnknownError) ? op.abortError(err) : err
    } finally {
      this.leave(op)
    }
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
