/**
 * Driver errors to the DBAPI error tree, so a unique violation is an `IntegrityError` on every
 * adapter. Each dialect classifies its database's native codes (SQLSTATE, SQLite result codes,
 * MySQL errno) in its folder; this is the part they share.
 * @module
 */
import { type DBAPIError, OperationalError } from '../errors.js'
import { provablyNotSent } from '../util/not-sent.js'
import type { DriverErrorInfo } from './driver-error.js'
import type { ErrorClass } from './sqlstate.js'

/** What a dialect knows of its database's errors. */
export interface ErrorRules {
  /** The error class of a database error (not a transport failure). */
  errorClass(info: DriverErrorInfo): ErrorClass
  /**
   * Whether the database's answer says the unit of work may pass if run again from its start
   * (lock contention, a serialization failure). Transport failures are decided by the caller.
   */
  isRetryableAnswer(info: DriverErrorInfo): boolean
}

/** The error class for a driver error on `dialect`: a transport failure is an `OperationalError`. */
export function errorClassFor(dialect: ErrorRules, info: DriverErrorInfo): ErrorClass {
  return info.transport ? OperationalError : dialect.errorClass(info)
}

/** Options of {@link translateError}. */
export interface TranslateOptions {
  readonly sql?: string | undefined
  readonly params?: readonly unknown[] | undefined
  /** The driver's error, already redacted (its code and cause chain are read). */
  readonly cause?: unknown
  /** The caller knows no byte of the request was handed to the transport. */
  readonly notSent?: boolean | undefined
}

/**
 * Builds the typed error for a failed statement; `cause` must already be redacted. `retryable`
 * is set for lock contention and serialization failures (the dialect's `isRetryableAnswer`) and
 * for a transport failure that provably happened before sending (connection refused, DNS
 * failure, or `notSent`).
 */
export function translateError(
  dialect: ErrorRules,
  info: DriverErrorInfo,
  options: TranslateOptions,
): DBAPIError {
  const cls = errorClassFor(dialect, info)
  const retryable =
    info.retryable ??
    (info.transport
      ? options.notSent === true || provablyNotSent(options.cause)
      : dialect.isRetryableAnswer(info))
  return new cls(info.message, {
    sql: options.sql,
    params: options.params,
    cause: options.cause,
    code: info.code,
    retryable,
  })
}
