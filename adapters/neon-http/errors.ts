/**
 * Reads errors of Neon's HTTP driver: the SQLSTATE, a redacted message, and whether the
 * request itself failed (network, HTTP 5xx, abort) rather than the statement.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'
import { errorLike } from '../kit/network-errors.js'
import { sqlStateOf } from '../kit/pg-errors.js'

/** Driver messages of a failed request rather than a database error. */
const transportMessage = /^(Error connecting to database|Server error \(HTTP status)/

/** SQLSTATE, redacted message, and whether the request itself failed (network, HTTP 5xx, abort). */
export function neonHttpErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  const e = errorLike(err)
  const message = typeof e?.message === 'string' ? e.message : String(err)
  const code = sqlStateOf(err)
  const name = typeof e?.name === 'string' ? e.name : ''
  const transport =
    (code === undefined && transportMessage.test(message)) ||
    name === 'AbortError' ||
    (name === 'TypeError' && /fetch/i.test(message))
  return { code, message: redactText(message, secrets), transport }
}
