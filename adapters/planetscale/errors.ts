/**
 * Reads `@planetscale/database` errors: the MySQL errno from Vitess' message
 * (`... (errno 1062) (sqlstate 23000)`), a redacted message, and whether HTTP or the network
 * failed rather than the database. Also which strings of a configuration are secrets.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'
import { hasNetworkErrorCode, isAbortError } from '../kit/network-errors.js'
import { secretForms } from '../kit/url-secrets.js'

/** Vitess codes that, without a MySQL errno, mean the session or the service failed. */
const transportCodes = new Set([
  'UNAVAILABLE',
  'ABORTED',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'CANCELED',
])
const networkMessage =
  /fetch failed|network|socket|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|terminated|other side closed/i

interface ErrorShape {
  readonly name?: unknown
  readonly message?: unknown
  readonly status?: unknown
  readonly body?: { readonly code?: unknown; readonly message?: unknown }
  readonly cause?: unknown
}

/** The errno and SQLSTATE Vitess appends to a MySQL error's message. */
export function parseVitessMessage(message: string): { errno?: string; sqlState?: string } {
  const errno = /\(errno (\d+)\)/.exec(message)?.[1]
  const sqlState = /\(sqlstate (\w{5})\)/i.exec(message)?.[1]
  return {
    ...(errno === undefined ? {} : { errno }),
    ...(sqlState === undefined ? {} : { sqlState }),
  }
}

/** What the mysql dialect needs of a driver error. */
export function planetscaleErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  if (typeof err !== 'object' || err === null)
    return { message: redactText(String(err), secrets), transport: false }
  const e = err as ErrorShape
  const message = redactText(typeof e.message === 'string' ? e.message : String(err), secrets)
  const name = typeof e.name === 'string' ? e.name : ''
  if (name === 'DatabaseError') {
    // a database error (HTTP 200 with `error`) or an HTTP error with a JSON `error` body
    const { errno } = parseVitessMessage(message)
    if (errno !== undefined) return { code: errno, message }
    const code = typeof e.body?.code === 'string' ? e.body.code.toUpperCase() : ''
    const status = typeof e.status === 'number' ? e.status : 400
    return { message, transport: transportCodes.has(code) || status === 401 || status >= 500 }
  }
  if (name === 'UnknownError') return { message, transport: true } // HTTP error without a JSON error body
  if (isAbortError(err)) return { message, transport: true }
  const cause = e.cause as ErrorShape | undefined
  const causeText = typeof cause?.message === 'string' ? cause.message : ''
  // fetch's failure (`TypeError: fetch failed`) names the socket's error in its cause
  const transport =
    networkMessage.test(message) || networkMessage.test(causeText) || hasNetworkErrorCode(cause, 1)
  return { message, transport }
}

function base64(text: string): string {
  let binary = ''
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b)
  return btoa(binary)
}

/** Strings never to show in an error: the password, and the Basic credentials built from it. */
export function secretsOf(
  username: string | undefined,
  password: string | undefined,
  extra: readonly string[] = [],
): string[] {
  const out = [...extra]
  for (const p of secretForms(password)) out.push(p, base64(`${username ?? ''}:${p}`))
  return [...new Set(out.filter((s) => s.length >= 3))]
}

/** True when the server refused the credentials: HTTP 401, Vitess `unauthenticated`, MySQL errno 1045. */
export function isAuthFailure(err: unknown, info: DriverErrorInfo): boolean {
  if (info.code === '1045') return true
  const e = typeof err === 'object' && err !== null ? (err as ErrorShape) : undefined
  if (e?.status === 401) return true
  const code = typeof e?.body?.code === 'string' ? e.body.code.toLowerCase() : ''
  return (
    code === 'unauthenticated' || /\bHTTP 401\b|unauthenticated|access denied for user/i.test(info.message)
  )
}
