/**
 * Retrying a unit of work: the options, the backoff, and the loop `engine.begin(fn, { retries })`
 * runs (the ORM's `session.run()` adds idempotent commits on top).
 * @module
 */
import { ArgumentError, isRetryable } from '../errors.js'

/** Options of `session.run()` and `engine.begin(fn, { retries })`. */
export interface RetryOptions {
  /** Attempts after the first (default 3); 0 runs once. */
  retries?: number
  /** Milliseconds before the first retry (default 50); doubled each time, with full jitter. */
  backoff?: number
  /** The longest wait between attempts in milliseconds (default 2000). */
  maxBackoff?: number
  /** Stops waiting (and retrying) when aborted. */
  signal?: AbortSignal
  /** Called before each retry with the error that caused it and the attempt about to start (1, 2, ...). */
  onRetry?: (error: unknown, attempt: number) => void
}

/** Checks retry options and fills in the defaults. */
export function retrySettings(options: RetryOptions): Required<Omit<RetryOptions, 'signal' | 'onRetry'>> {
  const { retries = 3, backoff = 50, maxBackoff = 2_000 } = options
  if (!Number.isInteger(retries) || retries < 0) throw new ArgumentError('retries must be an integer >= 0')
  for (const [name, v] of [
    ['backoff', backoff],
    ['maxBackoff', maxBackoff],
  ] as const)
    if (!Number.isFinite(v) || v < 0) throw new ArgumentError(`${name} must be a number of milliseconds >= 0`)
  return { retries, backoff, maxBackoff }
}

/** Waits before attempt `attempt` (1, 2, ...): full jitter over an exponential ceiling. */
export async function backoffWait(
  attempt: number,
  settings: { backoff: number; maxBackoff: number },
  signal?: AbortSignal,
): Promise<void> {
  const ceiling = Math.min(settings.maxBackoff, settings.backoff * 2 ** (attempt - 1))
  const ms = Math.random() * ceiling
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', aborted)
      resolve()
    }
    function aborted() {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', aborted, { once: true })
  })
}

/**
 * Runs `attempt` and, when it fails with a retryable error (`isRetryable`), again after a backoff,
 * up to `retries` more times. Each attempt must start from scratch (its own transaction).
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const settings = retrySettings(options)
  for (let n = 0; ; n++) {
    try {
      return await attempt()
    } catch (err) {
      if (!isRetryable(err) || n >= settings.retries) throw err
      options.onRetry?.(err, n + 1)
      await backoffWait(n + 1, settings, options.signal)
    }
  }
}
