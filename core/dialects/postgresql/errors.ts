/**
 * PostgreSQL's errors: classified by SQLSTATE class; retryable for serialization failures,
 * deadlocks and lock refusals.
 * @module
 */
import { DBAPIError } from '../../errors.js'
import type { DriverErrorInfo } from '../driver-error.js'
import { type ErrorClass, sqlstateClass } from '../sqlstate.js'

/** The error class of a PostgreSQL error, by its SQLSTATE. */
export function postgresErrorClass(info: DriverErrorInfo): ErrorClass {
  return sqlstateClass(info.code) || DBAPIError
}

/**
 * PostgreSQL SQLSTATEs after which the whole transaction may succeed on a fresh attempt: a
 * serialization failure, a deadlock, a lock not available (`NOWAIT`, `lock_timeout`). PostgreSQL
 * aborts the transaction on any error, so nothing of it can commit.
 */
const retryableSqlstates = new Set(['40001', '40P01', '55P03'])

/** Whether PostgreSQL's answer says the transaction may pass on a fresh attempt. */
export function postgresRetryable(info: DriverErrorInfo): boolean {
  const code = info.code
  return code !== undefined && retryableSqlstates.has(code.toUpperCase())
}
