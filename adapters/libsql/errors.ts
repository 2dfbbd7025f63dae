/**
 * Reads `@libsql/client` errors: the SQLite extended code (`SQLITE_CONSTRAINT_UNIQUE`), a
 * redacted message, and whether the transport failed rather than the database.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'
import { causeChain, isNetworkErrorCode } from '../kit/network-errors.js'

/** Client and Hrana codes that mean the connection or stream failed, not the statement. */
const transportCodes = new Set([
  'SERVER_ERROR',
  'HRANA_CLOSED_ERROR',
  'HRANA_WEBSOCKET_ERROR',
  'HRANA_PROTO_ERROR',
  'STREAM_EXPIRED',
  'STREAM_CLOSED',
  'BATON_INVALID',
  'BATON_REUSED',
  'BATON_STREAM_CLOSED',
])
const networkMessage =
  /fetch failed|network (connection )?(error|lost)|socket|connection (refused|reset|closed)/i

/** Extended codes SQLite would give where a remote reports only the primary SQLITE_CONSTRAINT. */
const constraintKinds: readonly (readonly [RegExp, string])[] = [
  [/UNIQUE constraint failed/i, 'SQLITE_CONSTRAINT_UNIQUE'],
  [/NOT NULL constraint failed/i, 'SQLITE_CONSTRAINT_NOTNULL'],
  [/FOREIGN KEY constraint failed/i, 'SQLITE_CONSTRAINT_FOREIGNKEY'],
  [/CHECK constraint failed/i, 'SQLITE_CONSTRAINT_CHECK'],
  [/PRIMARY KEY/i, 'SQLITE_CONSTRAINT_PRIMARYKEY'],
]

interface ErrorShape {
  readonly code?: unknown
  readonly extendedCode?: unknown
  readonly message?: unknown
  readonly cause?: unknown
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** The most specific SQLite code on the error or its causes, else the client's own code. */
function codeOf(err: ErrorShape | undefined, message: string): string | undefined {
  let clientCode: string | undefined
  for (const e of causeChain(err) as Iterable<ErrorShape>) {
    const extended = str(e.extendedCode)
    if (extended?.startsWith('SQLITE_')) return refine(extended, message)
    const code = str(e.code)
    if (code?.startsWith('SQLITE_')) return refine(code, message)
    clientCode ??= code
  }
  const parsed = /\b(SQLITE_[A-Z_]+)\b/.exec(message)?.[1]
  return parsed === undefined ? clientCode : refine(parsed, message)
}

function refine(code: string, message: string): string {
  if (code !== 'SQLITE_CONSTRAINT') return code
  for (const [re, extended] of constraintKinds) if (re.test(message)) return extended
  return code
}

function isTransport(err: unknown, code: string | undefined): boolean {
  if (code !== undefined && transportCodes.has(code)) return true
  for (const e of causeChain(err)) {
    if (isNetworkErrorCode(e.code)) return true
    if (e instanceof TypeError && typeof e.message === 'string' && networkMessage.test(e.message)) return true
  }
  return false
}

/**
 * Native code, redacted message and transport flag of a client error. The client prefixes
 * messages with their code (twice for batch errors); the prefix is dropped since `code` keeps it.
 */
export function libsqlErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  const shape = typeof err === 'object' && err !== null ? (err as ErrorShape) : undefined
  const raw = typeof shape?.message === 'string' ? shape.message : String(err)
  const message = redactText(raw.replace(/^(?:[A-Z][A-Z0-9_]+: )+/, ''), secrets)
  const code = codeOf(shape, raw)
  return {
    code,
    message: message === '' ? redactText(raw, secrets) : message,
    transport: isTransport(err, code),
  }
}

/** Codes and wording of a refused token (Hrana's JSON error, or a bare HTTP 401). */
const authMessage = /HTTP status 401\b|unauthori[sz]ed|authentication failed|invalid (auth )?token|jwt/i

/** True when the server refused the token (HTTP 401 / `UNAUTHORIZED`). */
export function isAuthFailure(info: DriverErrorInfo): boolean {
  if (info.code === 'UNAUTHORIZED') return true
  return (info.code === undefined || info.code === 'SERVER_ERROR') && authMessage.test(info.message)
}
