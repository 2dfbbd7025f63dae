/**
 * What a failed commit means. Three outcomes, decided here once for every adapter: the database
 * answered with an error (nothing was committed), the request provably never left (nothing was
 * committed), or bytes may have reached the database and no answer says what happened
 * ({@link CommitOutcomeUnknownError}). Retrying is safe in the first two cases only.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import {
  CommitOutcomeUnknownError,
  DataError,
  DBAPIError,
  EdgeAlchemyError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  ProgrammingError,
} from '../errors.js'
import { provablyNotSent } from '../util/not-sent.js'
import type { Adapter, Statement } from './adapter.js'
import { wrapError } from './execution.js'
import type { Operation } from './operation.js'

export { provablyNotSent } from '../util/not-sent.js'

/** Errors that are the database's own answer: the statement was refused, the unit rolled back. */
const answers = [IntegrityError, ProgrammingError, DataError, NotSupportedError, InternalError] as const

/**
 * The error to raise for a failed commit-like request (COMMIT, an atomic batch, an autocommitting
 * write): the translated error when nothing was committed, else `CommitOutcomeUnknownError`.
 * `op.mayHaveCommitted` says whether bytes of the request were handed to the transport.
 */
export function commitFailure(
  adapter: Adapter,
  dialect: Dialect,
  err: unknown,
  statements: readonly Statement[],
  op: Operation | undefined,
  hideParameters: boolean,
): Error {
  const sqls = statements.map((s) => s.sql)
  const sent = op === undefined || op.mayHaveCommitted
  if (op?.aborted) {
    const reason = op.abortError(err)
    if (!sent) return reason as Error
    return unknownOutcome(adapter, sqls, reason)
  }
  if (err instanceof CommitOutcomeUnknownError) return err
  // our own errors (a pool timeout, a closed adapter, a stale-row guard) are raised before or
  // instead of a request whose fate is unclear
  if (err instanceof EdgeAlchemyError) return err
  // an executemany shares one SQL text; which parameter set failed is not known
  const first = statements[0]
  const shared =
    statements.length === 1
      ? first
      : first !== undefined && statements.every((s) => s.sql === first.sql)
        ? { sql: first.sql, params: [] }
        : undefined
  const translated = wrapError(adapter, dialect, err, shared, hideParameters || statements.length > 1)
  const info = adapter.errorInfo(err)
  // an embedded database answers in this process: an error is its answer, never a lost reply
  // no byte left: a transport failure is safe to run again from the start
  if (!sent && info.transport && translated instanceof DBAPIError && !translated.retryable)
    return dialect.translateError(info, {
      sql: translated.sql,
      params: translated.params,
      cause: translated.cause,
      notSent: true,
    })
  if (!sent || adapter.embedded === true || provablyNotSent(err)) return translated
  if (!info.transport && (info.code !== undefined || answers.some((c) => translated instanceof c)))
    return translated
  return unknownOutcome(adapter, sqls, translated)
}

function unknownOutcome(
  adapter: Adapter,
  sqls: readonly string[],
  cause: unknown,
): CommitOutcomeUnknownError {
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
  return new CommitOutcomeUnknownError(
    `The commit was sent to ${adapter.name} and no answer says whether it was applied (${why}). ` +
      'It was not retried: look at the database before writing again',
    sqls,
    { cause },
  )
}
