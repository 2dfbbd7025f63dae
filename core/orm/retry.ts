/**
 * `session.run(fn, { retries })`: a unit of work run again from its start when it fails with a
 * retryable error, and after an unknown commit outcome only where the commit is idempotent.
 * @module
 */
import type { OperationOptions } from '../engine/operation.js'
import { backoffWait, type RetryOptions, retrySettings } from '../engine/retry.js'
import {
  ArgumentError,
  CommitOutcomeUnknownError,
  InvalidRequestError,
  isRetryable,
  StaleDataError,
} from '../errors.js'
import { CommitNotResentError } from './commit-tokens.js'
import type { CommitResult } from './session.js'

export type { RetryOptions }

/** Options of `session.run()`. */
export interface RunOptions extends RetryOptions {
  /** The idempotency key of the unit's commit (see `commit({ idempotencyKey })`); default: a new one per run. */
  idempotencyKey?: string
  /** Timeout of the commit (each attempt's); the operations of `fn` take their own options. */
  timeout?: OperationOptions['timeout']
}

/** The parts of a session the retry loop uses. */
export interface RetryHost {
  readonly idempotent: boolean
  inTransaction(): boolean
  commitWithToken(
    value: string | undefined,
    check: boolean,
    options?: OperationOptions,
  ): Promise<CommitResult>
  rollback(): Promise<void>
}

/**
 * Runs `fn` then commits; on a retryable error rolls back, waits and runs it again. After an
 * unknown commit outcome: with commit tokens, commits again (the token decides: applied once),
 * else rethrows. Every attempt of one run uses the same token.
 */
export async function retryUnitOfWork<S extends RetryHost, T>(
  session: S,
  fn: (session: S) => Promise<T>,
  options: RunOptions,
): Promise<T> {
  if (typeof fn !== 'function') throw new ArgumentError('session.run(fn) takes a function of the session')
  const settings = retrySettings(options)
  if (session.inTransaction())
    throw new InvalidRequestError(
      'session.run(fn) runs a whole unit of work and may run it again: commit or roll back what is pending first',
    )
  const token = session.idempotent ? (options.idempotencyKey ?? crypto.randomUUID()) : undefined
  if (options.idempotencyKey !== undefined && token === undefined)
    throw new ArgumentError("session.run({ idempotencyKey }) needs the session's commitTokens")
  const commitOptions: OperationOptions = { timeout: options.timeout }
  /** An earlier attempt's commit may have been applied: look its token up before writing. */
  let uncertain = options.idempotencyKey !== undefined
  for (let attempt = 0; ; attempt++) {
    let error: unknown
    try {
      const out = await fn(session)
      try {
        await session.commitWithToken(token, uncertain, commitOptions)
        return out
      } catch (err) {
        if (!(err instanceof CommitOutcomeUnknownError) || token === undefined) throw err
        uncertain = true
        // the session kept the plan and the token: committing again writes only if nothing was
        for (let again = attempt + 1; ; again++) {
          if (again > settings.retries) throw err
          options.onRetry?.(err, again)
          await backoffWait(again, settings, options.signal)
          try {
            await session.commitWithToken(token, true, commitOptions)
            return out
          } catch (next) {
            if (next instanceof CommitOutcomeUnknownError || isRetryable(next)) {
              attempt = again
              continue
            }
            throw next
          }
        }
      }
    } catch (err) {
      error = err
    }
    await session.rollback()
    // a StaleDataError (a versioned row changed since it was read) wrote nothing: a fresh run reads anew
    const rerun =
      isRetryable(error) ||
      error instanceof StaleDataError ||
      (error instanceof CommitNotResentError && token !== undefined)
    if (!rerun || attempt >= settings.retries) throw error
    options.onRetry?.(error, attempt + 1)
    await backoffWait(attempt + 1, settings, options.signal)
  }
}
