/**
 * Reads errors of the neon WebSocket driver (node-postgres underneath): the SQLSTATE, a
 * redacted message, and whether the socket failed rather than the statement.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'

const sqlState = /^[0-9A-Z]{5}$/
const networkCodes = /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_|EHOSTUNREACH|ENETUNREACH|UND_ERR_)/
const networkMessage =
  /connection terminated|not queryable|websocket|socket|connection (refused|reset|closed|lost|error)|network|timeout exceeded when trying to connect/i
/**
 * workerd refusing a socket opened by another request ("Cannot perform I/O on behalf of a
 * different request"): that socket can never serve this request, so it is dropped like a broken one.
 */
const crossRequestIo = /on behalf of a different request/i

interface ErrorShape {
  readonly code?: unknown
  readonly message?: unknown
  readonly cause?: unknown
  /** A WebSocket `ErrorEvent` (the driver emits the event itself when the socket fails). */
  readonly error?: unknown
  readonly type?: unknown
}

function shapeOf(v: unknown): ErrorShape | undefined {
  return typeof v === 'object' && v !== null ? (v as ErrorShape) : undefined
}

function messageOf(err: unknown): string {
  const e = shapeOf(err)
  if (typeof e?.message === 'string' && e.message !== '') return e.message
  const inner = shapeOf(e?.error)
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
  const e = shapeOf(err)
  if (e?.type !== 'error') return err
  const inner = shapeOf(e.error)
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : messageOf(err)
  return new NeonSocketError(
    `WebSocket error: ${message.replace(/^WebSocket error: /, '')}`,
    inner instanceof Error ? { cause: inner } : undefined,
  )
}

/** The password of a connection string, raw and percent-decoded. */
export function secretsOfUrl(url: string | undefined): string[] {
  if (url === undefined) return []
  let password = ''
  try {
    password = new URL(`http:${url.slice(url.indexOf(':') + 1)}`).password
  } catch {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:([^@/?#\s]+)@/i.exec(url)
    password = m?.[1] ?? ''
  }
  if (password === '') return []
  let decoded = password
  try {
    decoded = decodeURIComponent(password)
  } catch {}
  return decoded === password ? [password] : [password, decoded]
}

/** True when the error is a socket or connection failure, not a statement the database refused. */
export function isTransportError(err: unknown): boolean {
  let e = shapeOf(err)
  for (let depth = 0; e !== undefined && depth < 4; depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined
    // SQLSTATE class 08 (connection exception) and 57P0x (server shutting down)
    if (code !== undefined && sqlState.test(code)) return code.startsWith('08') || code.startsWith('57P0')
    if (code !== undefined && networkCodes.test(code)) return true
    if (e instanceof NeonSocketError || (e.type === 'error' && !((e as object) instanceof Error))) return true
    if (typeof e.message === 'string' && (networkMessage.test(e.message) || crossRequestIo.test(e.message)))
      return true
    e = shapeOf(e.cause) ?? shapeOf(e.error)
  }
  return false
}

/** Native code, redacted message and transport flag of a driver error. */
export function neonErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  const code = shapeOf(err)?.code
  return {
    code: typeof code === 'string' && sqlState.test(code) ? code : undefined,
    message: redactText(messageOf(err), secrets),
    transport: isTransportError(err),
  }
}

/** SQLSTATE class 28 (invalid authorization: a wrong password, an unknown role). */
export function isPgAuthFailure(info: DriverErrorInfo): boolean {
  return info.code?.startsWith('28') === true || /password authentication failed/i.test(info.message)
}
