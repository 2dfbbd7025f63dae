/**
 * What every pg-protocol driver's errors share: the SQLSTATE, the codes that mean the
 * connection rather than the statement failed, and an authentication failure.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'

const sqlState = /^[0-9A-Z]{5}$/

/** The SQLSTATE of a driver error (`23505`), or undefined when its `code` is none. */
export function sqlStateOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && sqlState.test(code) ? code : undefined
}

/** True for a SQLSTATE code rather than a system one (`ECONNRESET`). */
export function isSqlState(code: unknown): code is string {
  return typeof code === 'string' && sqlState.test(code)
}

/** SQLSTATE class 08 (connection exception) and 57P0x (server shutting down): the session is gone. */
export function isConnectionFailureState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('57P0')
}

/**
 * workerd refusing a socket opened by another request ("Cannot perform I/O on behalf of a
 * different request"): that socket can never serve this request, so it is dropped like a broken one.
 */
export const crossRequestIo = /on behalf of a different request/i

/** SQLSTATE class 28 (invalid authorization: a wrong password, an unknown role). */
export function isPgAuthFailure(info: DriverErrorInfo): boolean {
  return info.code?.startsWith('28') === true || /password authentication failed/i.test(info.message)
}
