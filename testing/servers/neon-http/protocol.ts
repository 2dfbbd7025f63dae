/**
 * Neon's HTTP `/sql` protocol as `@neondatabase/serverless` 1.2 speaks it: request headers and
 * bodies, reply shapes, and how a `Neon-Connection-String` and the batch headers are read.
 * @module
 */
import type { DatabaseError, FieldDef, QueryResult } from 'pg'

/** One query of a request: SQL with `$n` placeholders and its parameters (text, or null). */
export interface NeonQuery {
  readonly query: string
  readonly params?: readonly unknown[]
}

/** The body of `POST /sql`: one query, or `{queries}` for `transaction([...])`. */
export type NeonRequestBody = NeonQuery | { readonly queries: readonly NeonQuery[] }

/** A field as node-postgres describes it (Neon forwards the RowDescription). */
export interface NeonField {
  readonly name: string
  readonly tableID: number
  readonly columnID: number
  readonly dataTypeID: number
  readonly dataTypeSize: number
  readonly dataTypeModifier: number
  readonly format: string
}

/** The reply to one query. Rows hold PostgreSQL text output (or null). */
export interface NeonQueryResult {
  readonly command: string
  readonly fields: readonly NeonField[]
  readonly rowCount: number | null
  readonly rows: readonly (readonly (string | null)[])[] | readonly Record<string, string | null>[]
  readonly rowAsArray: boolean
}

/** A request error the client reads as a `NeonDbError` (HTTP 400). */
export class NeonRequestError extends Error {
  override name = 'NeonRequestError'
}

/** pg's error fields that Neon copies into a 400 reply (the driver reads the same list). */
export const errorFields = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const

/** The JSON body of a 400 reply for a database error. */
export function errorBody(err: DatabaseError | NeonRequestError): Record<string, string> {
  const out: Record<string, string> = { message: err.message }
  const source = err as unknown as Record<string, unknown>
  for (const f of errorFields) if (typeof source[f] === 'string') out[f] = source[f] as string
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

/** Reads a `postgres://` / `postgresql://` connection string as the Neon proxy does. */
export function parseConnectionString(value: string | undefined): ConnectionTarget {
  if (value === undefined || value === '')
    throw new NeonRequestError('Missing Neon-Connection-String header (the connection string)')
  let url: URL
  try {
    const scheme = value.slice(0, value.indexOf(':') + 1)
    if (scheme !== 'postgres:' && scheme !== 'postgresql:') throw new Error('scheme')
    url = new URL(`http:${value.slice(scheme.length)}`)
  } catch {
    throw new NeonRequestError('Neon-Connection-String is not a valid postgres:// or postgresql:// URL')
  }
  const user = decodeURIComponent(url.username)
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (user === '' || database === '')
    throw new NeonRequestError('Neon-Connection-String lacks a user or a database name')
  return {
    user,
    password: decodeURIComponent(url.password),
    database,
    options: url.searchParams.get('options') ?? undefined,
    applicationName: url.searchParams.get('application_name') ?? undefined,
  }
}

const isolationLevels: Record<string, string> = {
  readuncommitted: 'READ UNCOMMITTED',
  readcommitted: 'READ COMMITTED',
  repeatableread: 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
}

/** The BEGIN statement for `Neon-Batch-Isolation-Level` / `-Read-Only` / `-Deferrable`. */
export function beginStatement(headers: Record<string, string | string[] | undefined>): string {
  const header = (name: string): string | undefined => {
    const v = headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  const parts: string[] = []
  const isolation = header('neon-batch-isolation-level')
  if (isolation !== undefined) {
    const level = isolationLevels[isolation.toLowerCase().replace(/[\s_-]/g, '')]
    if (level === undefined) throw new NeonRequestError(`Invalid Neon-Batch-Isolation-Level: ${isolation}`)
    parts.push(`ISOLATION LEVEL ${level}`)
  }
  const flag = (name: string, yes: string, no: string): void => {
    const v = header(name)?.toLowerCase()
    if (v === undefined) return
    if (v !== 'true' && v !== 'false') throw new NeonRequestError(`Invalid ${name}: ${v}`)
    parts.push(v === 'true' ? yes : no)
  }
  flag('neon-batch-read-only', 'READ ONLY', 'READ WRITE')
  flag('neon-batch-deferrable', 'DEFERRABLE', 'NOT DEFERRABLE')
  return parts.length === 0 ? 'BEGIN' : `BEGIN ${parts.join(' ')}`
}

/** Parameters as PostgreSQL text input: the driver sends strings and nulls already. */
export function textParams(params: readonly unknown[] | undefined): (string | null)[] {
  if (params === undefined) return []
  if (!Array.isArray(params)) throw new NeonRequestError('params must be an array')
  return params.map((p) =>
    p === null || p === undefined
      ? null
      : typeof p === 'string'
        ? p
        : typeof p === 'object'
          ? JSON.stringify(p)
          : String(p),
  )
}

/** Shapes a node-postgres result (rows in array mode, raw text values) as Neon's reply. */
export function toNeonResult(result: QueryResult<unknown[]>, arrayMode: boolean): NeonQueryResult {
  const fields = result.fields.map((f: FieldDef) => ({
    name: f.name,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeID: f.dataTypeID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: f.format,
  }))
  const rows = result.rows as (string | null)[][]
  return {
    command: result.command,
    fields,
    rowCount: result.rowCount,
    rows: arrayMode
      ? rows
      : rows.map((r) => Object.fromEntries(fields.map((f, i) => [f.name, r[i] ?? null]))),
    rowAsArray: arrayMode,
  }
}
