/**
 * Telling a failed network from a refused statement: the system and undici codes of a socket
 * or lookup that failed, found on an error or on any error in its `cause` chain.
 * @module
 */

/** Node's and undici's codes for a connection that failed, was refused, reset or never resolved. */
const networkCodes = /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_|EHOSTUNREACH|ENETUNREACH|UND_ERR_)/

/** The fields drivers put on their errors. */
export interface ErrorLike {
  readonly name?: unknown
  readonly code?: unknown
  readonly message?: unknown
  readonly cause?: unknown
  /** A WebSocket `ErrorEvent`'s error (drivers over WebSocket may reject with the event). */
  readonly error?: unknown
  readonly type?: unknown
}

/** The value as an object with error fields, or undefined for a primitive. */
export function errorLike(v: unknown): ErrorLike | undefined {
  return typeof v === 'object' && v !== null ? (v as ErrorLike) : undefined
}

/**
 * The error, then what caused it (`cause`, or a WebSocket `ErrorEvent`'s `error`), at most
 * `depth` errors deep (cause chains can loop).
 */
export function* causeChain(err: unknown, depth = 4): Generator<ErrorLike> {
  let e = errorLike(err)
  for (let i = 0; e !== undefined && i < depth; i++) {
    yield e
    e = errorLike(e.cause) ?? errorLike(e.error)
  }
}

/** True for a system or undici code of a failed connection (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...). */
export function isNetworkErrorCode(code: unknown): boolean {
  return typeof code === 'string' && networkCodes.test(code)
}

/**
 * True when the error or one of its causes carries a network error code.
 *
 * ```ts
 * hasNetworkErrorCode(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })) // true
 * ```
 */
export function hasNetworkErrorCode(err: unknown, depth = 4): boolean {
  for (const e of causeChain(err, depth)) if (isNetworkErrorCode(e.code)) return true
  return false
}

/** True for the error of an aborted or timed-out call (`AbortSignal`'s `AbortError` / `TimeoutError`). */
export function isAbortError(err: unknown): boolean {
  const name = errorLike(err)?.name
  return name === 'AbortError' || name === 'TimeoutError'
}
