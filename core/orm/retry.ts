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
import type { CommitResult } from './session-options.js'

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
  /** A commit of unknown outcome is kept, with its token, for `commit()` again. */
  readonly commitOutcomeUnknown: boolean
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
  /** What `fn` returned, once it ran: while the session keeps its unit, only the commit is left. */
  let ran: { readonly out: T } | undefined
  for (let attempt = 0; ; attempt++) {
    try {
      ran ??= { out: await fn(session) }
      await session.commitWithToken(token, uncertain, commitOptions)
      return ran.out
    } catch (err) {
      if (err instanceof CommitOutcomeUnknownError) uncertain = true
      // after an unknown outcome the session kept the unit and its token: committing again writes
      // only if nothing was; anything else starts over from a rollback
      const commitAgain =
        session.commitOutcomeUnknown && (err instanceof CommitOutcomeUnknownError || isRetryable(err))
      // a StaleDataError (a versioned row changed since it was read) wrote nothing: a fresh run reads anew
      const rerun = isRetryable(err) || err instanceof StaleDataError || err instanceof CommitNotResentError
      if (!(commitAgain || rerun) || attempt >= settings.retries) {
        await session.rollback()
        throw err
      }
      if (!commitAgain) {
        await session.rollback()
        ran = undefined
      }
      options.onRetry?.(err, attempt + 1)
      await backoffWait(attempt + 1, settings, options.signal)
    }
  }
}
