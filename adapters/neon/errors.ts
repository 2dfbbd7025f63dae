/**
 * Reads errors of the neon WebSocket driver (node-postgres underneath): the SQLSTATE, a
 * redacted message, and whether the socket failed rather than the statement.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'
import { causeChain, errorLike, isNetworkErrorCode } from '../kit/network-errors.js'
import { crossRequestIo, isConnectionFailureState, isSqlState, sqlStateOf } from '../kit/pg-errors.js'

const networkMessage =
  /connection terminated|not queryable|websocket|socket|connection (refused|reset|closed|lost|error)|network|timeout exceeded when trying to connect/i

function messageOf(err: unknown): string {
  const e = errorLike(err)
  if (typeof e?.message === 'string' && e.message !== '') return e.message
  const inner = errorLike(e?.error)
  if (typeof inner?.message === 'string' && inner.message !== '') return `WebSocket error: ${inner.message}`
  if (e?.type === 'error') return 'WebSocket error'
  return String(err)
}

/** A WebSocket failure the driver reported as an event rather than an Error. */
export class NeonSocketError extends Error {
  override name = 'NeonSocketError'
}

/** The driver's rejection as an Error: WebSocket `ErrorEvent`s become {@link NeonSocketError}s. */
export function toError(err: unknown): unknown {
  if (err instanceof Error) return err
  const e = errorLike(err)
  if (e?.type !== 'error') return err
  const inner = errorLike(e.error)
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : messageOf(err)
  return new NeonSocketError(
    `WebSocket error: ${message.replace(/^WebSocket error: /, '')}`,
    inner instanceof Error ? { cause: inner } : undefined,
  )
}

/** True when the error is a socket or connection failure, not a statement the database refused. */
export function isTransportError(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const code = e.code
    if (isSqlState(code)) return isConnectionFailureState(code)
    if (isNetworkErrorCode(code)) return true
    if (e instanceof NeonSocketError || (e.type === 'error' && !((e as object) instanceof Error))) return true
    if (typeof e.message === 'string' && (networkMessage.test(e.message) || crossRequestIo.test(e.message)))
      return true
  }
  return false
}

/** Native code, redacted message and transport flag of a driver error. */
export function neonErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  return {
    code: sqlStateOf(err),
    message: redactText(messageOf(err), secrets),
    transport: isTransportError(err),
  }
}
