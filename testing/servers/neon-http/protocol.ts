/**
 * Neon's HTTP `/sql` protocol as `@neondatabase/serverless` 1.2 speaks it and Neon's proxy answers
 * it (read from `proxy/src/serverless/sql_over_http.rs` and `http_util.rs`): request headers and
 * bodies, reply shapes, error bodies, and how a `Neon-Connection-String` and the batch headers
 * are read.
 * @module
 */
import type { DatabaseError, FieldDef, QueryResult } from 'pg'
import { jsonParamToText, valueJson } from './json.js'

/** A request error the client reads as a `NeonDbError` (HTTP 400, every field null). */
export class NeonRequestError extends Error {
  override name = 'NeonRequestError'
}

/** The keys of every error body after `message`, in the proxy's order (`sql_over_http.rs`). */
export const errorFields = [
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'severity',
  'where',
  'table',
  'column',
  'schema',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const

/**
 * The JSON body of an error reply: `message` and every PostgreSQL field key, null when absent
 * (a request error has them all null).
 */
export function errorBody(err: DatabaseError | Error, message = err.message): Record<string, string | null> {
  const out: Record<string, string | null> = { message }
  const source = err as unknown as Record<string, unknown>
  for (const f of errorFields) out[f] = typeof source[f] === 'string' ? (source[f] as string) : null
  return out
}

/** Where and as whom a request connects, read from `Neon-Connection-String`. */
export interface ConnectionTarget {
  readonly user: string
  readonly password: string
  readonly database: string
  /** The `options` parameter (`-c search_path=...`), passed to PostgreSQL's startup packet. */
  readonly options: string | undefined
  readonly applicationName: string | undefined
}

/**
 * Reads a `postgres://` / `postgresql://` connection string as the proxy does (`http_util.rs`):
 * a user and a password are required (no `Authorization` JWT here), the database is the first
 * path segment; the errors are worded as the proxy words them.
 */
export function parseConnectionString(value: string | undefined): ConnectionTarget {
  if (value === undefined || value === '')
    throw new NeonRequestError('invalid header: neon-connection-string')
  const colon = value.indexOf(':')
  const scheme = value.slice(0, colon)
  let url: URL
  try {
    url = new URL(`http:${value.slice(colon + 1)}`)
    if (colon < 0) throw new Error('relative URL without a base')
  } catch (err) {
    throw new NeonRequestError(`invalid connection string: ${(err as Error).message}`)
  }
  if (scheme !== 'postgres' && scheme !== 'postgresql') throw new NeonRequestError('incorrect scheme')
  const database = decodeURIComponent(url.pathname.replace(/^\//, '').split('/')[0] ?? '')
  const user = decodeURIComponent(url.username)
  if (user === '') throw new NeonRequestError('missing username')
  if (url.password === '') throw new NeonRequestError('missing authentication credentials: required password')
  if (database === '') throw new NeonRequestError('missing database name')
  return {
    user,
    password: decodeURIComponent(url.password),
    database,
    options: url.searchParams.get('options') ?? undefined,
    applicationName: url.searchParams.get('application_name') ?? undefined,
  }
}

/** `Neon-Batch-Isolation-Level` values the proxy accepts, exactly as spelled. */
const isolationLevels: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
}

/** The request headers the proxy reads; a flag is on only when its value is exactly `true`. */
export interface NeonHeaders {
  readonly rawTextOutput: boolean
  readonly arrayMode: boolean
  /** The `Neon-Batch-Isolation-Level` value as sent (validated), if any. */
  readonly isolation: string | undefined
  readonly readOnly: boolean
  readonly deferrable: boolean
}

/** Reads the headers as the proxy does; an isolation level it does not know is a 400. */
export function readHeaders(headers: Record<string, string | string[] | undefined>): NeonHeaders {
  const header = (name: string): string | undefined => {
    const v = headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  const isolation = header('neon-batch-isolation-level')
  if (isolation !== undefined && isolationLevels[isolation] === undefined)
    throw new NeonRequestError('invalid isolation level')
  return {
    rawTextOutput: header('neon-raw-text-output') === 'true',
    arrayMode: header('neon-array-mode') === 'true',
    isolation,
    readOnly: header('neon-batch-read-only') === 'true',
    deferrable: header('neon-batch-deferrable') === 'true',
  }
}

/** The BEGIN statement of a `{queries}` batch. */
export function beginStatement(h: NeonHeaders): string {
  const parts: string[] = []
  if (h.isolation !== undefined) parts.push(`ISOLATION LEVEL ${isolationLevels[h.isolation]}`)
  if (h.readOnly) parts.push('READ ONLY')
  if (h.deferrable) parts.push('DEFERRABLE')
  return parts.length === 0 ? 'BEGIN' : `BEGIN ${parts.join(' ')}`
}

/** The headers a successful `{queries}` reply echoes: only those that are set. */
export function echoedHeaders(h: NeonHeaders): Record<string, string> {
  return {
    ...(h.readOnly ? { 'Neon-Batch-Read-Only': 'true' } : {}),
    ...(h.deferrable ? { 'Neon-Batch-Deferrable': 'true' } : {}),
    ...(h.isolation === undefined ? {} : { 'Neon-Batch-Isolation-Level': h.isolation }),
  }
}

/** A query of the body, checked as the proxy's JSON decoding checks it. */
export function readQuery(q: unknown): { query: string; params: (string | null)[]; arrayMode?: boolean } {
  const bad = (why: string) => new NeonRequestError(`could not parse the HTTP request body: ${why}`)
  if (q === null || typeof q !== 'object' || Array.isArray(q)) throw bad('expected a query object')
  const { query, params, arrayMode } = q as Record<string, unknown>
  if (typeof query !== 'string') throw bad('missing field `query`')
  if (params !== undefined && !Array.isArray(params)) throw bad('`params` must be an array')
  if (arrayMode !== undefined && arrayMode !== null && typeof arrayMode !== 'boolean')
    throw bad('`arrayMode` must be a boolean')
  return {
    query,
    params: (params ?? []).map(jsonParamToText),
    ...(typeof arrayMode === 'boolean' ? { arrayMode } : {}),
  }
}

/**
 * A node-postgres result (rows in array mode, raw text values) as the proxy's reply, JSON text:
 * values typed unless `raw`, rows as arrays or objects.
 */
export function neonResultJson(
  result: QueryResult<unknown[]>,
  arrayMode: boolean,
  raw: boolean,
  elements: ReadonlyMap<number, number>,
): string {
  const fields = result.fields.map((f: FieldDef) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: 'text',
  }))
  const rows = (result.rows as (string | null)[][]).map((r) => {
    const values = fields.map((f, i) => valueJson(r[i] ?? null, f.dataTypeID, raw, elements))
    return arrayMode
      ? `[${values.join(',')}]`
      : `{${fields.map((f, i) => `${JSON.stringify(f.name)}:${values[i]}`).join(',')}}`
  })
  return `{"rowAsArray":${arrayMode},"fields":${JSON.stringify(fields)},"rows":[${rows.join(',')}],"command":${JSON.stringify(result.command ?? '')},"rowCount":${JSON.stringify(result.rowCount ?? null)}}`
}
