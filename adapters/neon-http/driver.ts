/**
 * What the neon-http adapter needs around the driver: its global-only endpoint settings,
 * isolation level names, credentials to redact, and reading its errors.
 * @module
 */
import { neonConfig } from '@neondatabase/serverless'
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'
import { ArgumentError } from '../../core/errors.js'

type Endpoint = string | ((host: string, port: number | string) => string)

/**
 * Runs `start` with `neonConfig.fetchEndpoint` / `fetchFunction` set, restoring them exactly
 * before it returns. The driver reads both synchronously when a request starts (its `execute`
 * and `transaction()` read `neonConfig` before their first `await`), so the setting applies to
 * exactly this request and never leaks to other code, even with requests in flight.
 * `loopback` (inferred from the URL) applies only while nobody has set a global endpoint.
 */
export function withDriverConfig<T>(
  endpoint: Endpoint | undefined,
  loopback: string | undefined,
  fetchFunction: typeof fetch | undefined,
  start: () => T,
): T {
  const opts = neonConfig.opts
  const previousEndpoint = opts.fetchEndpoint
  const previousFetch: unknown = opts.fetchFunction
  endpoint ??= previousEndpoint === undefined ? loopback : undefined
  if (endpoint === undefined && fetchFunction === undefined) return start()
  if (endpoint !== undefined) opts.fetchEndpoint = endpoint
  if (fetchFunction !== undefined) opts.fetchFunction = fetchFunction
  try {
    return start()
  } finally {
    if (previousEndpoint === undefined) delete opts.fetchEndpoint
    else opts.fetchEndpoint = previousEndpoint
    if (previousFetch === undefined) delete opts.fetchFunction
    else opts.fetchFunction = previousFetch
  }
}

/** A connection string read as the driver reads it; undefined when it does not parse. */
export function parseUrl(url: string): URL | undefined {
  try {
    // as the driver: the scheme swapped for http: so the URL parser reads host and credentials
    return new URL(`http:${url.slice(url.indexOf(':') + 1)}`)
  } catch {
    return undefined
  }
}

/** `http://host:port/sql` when the connection string names a loopback host; otherwise undefined (Neon's default). */
export function loopbackEndpoint(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  const u = parseUrl(url)
  if (u === undefined) return undefined
  const h = u.hostname.toLowerCase()
  const loopback =
    h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h)
  return loopback ? `http://${u.host}/sql` : undefined
}

/** The password of a connection string, raw and percent-decoded. */
export function secretsOf(url: string | undefined): string[] {
  if (url === undefined) return []
  const password = parseUrl(url)?.password ?? ''
  if (password === '') return []
  let decoded = password
  try {
    decoded = decodeURIComponent(password)
  } catch {}
  return decoded === password ? [password] : [password, decoded]
}

const levels: Record<string, 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable'> = {
  readuncommitted: 'ReadUncommitted',
  readcommitted: 'ReadCommitted',
  repeatableread: 'RepeatableRead',
  serializable: 'Serializable',
}

/** `'repeatable read'`, `'REPEATABLE_READ'` or `'RepeatableRead'` -> the driver's `'RepeatableRead'`. */
export function isolationLevel(name: string | undefined) {
  if (name === undefined) return undefined
  const level = levels[name.toLowerCase().replace(/[\s_-]/g, '')]
  if (level === undefined)
    throw new ArgumentError(
      `Unknown isolation level ${JSON.stringify(name)}; use 'read committed', 'repeatable read' or 'serializable'`,
    )
  return level
}

/** Driver messages of a failed request rather than a database error. */
const transportMessage = /^(Error connecting to database|Server error \(HTTP status)/

/** SQLSTATE, redacted message, and whether the request itself failed (network, HTTP 5xx, abort). */
export function driverErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>
  const message = typeof e.message === 'string' ? e.message : String(err)
  const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined
  const name = typeof e.name === 'string' ? e.name : ''
  const transport =
    (code === undefined && transportMessage.test(message)) ||
    name === 'AbortError' ||
    (name === 'TypeError' && /fetch/i.test(message))
  return { code, message: redactText(message, secrets), transport }
}
