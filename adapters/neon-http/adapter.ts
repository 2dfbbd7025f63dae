/**
 * The neon-http adapter over the driver's `neon()` query function: each statement one request,
 * each batch one `transaction([...])` request, with the driver's global endpoint settings set
 * for exactly the moment a request starts. Web-standard only.
 * @module
 */
import { type FullQueryResults, type NeonQueryFunction, neonConfig } from '@neondatabase/serverless'
import { postgresql } from '../../core/dialects/postgresql/index.js'
import { isolationLevel } from '../../core/dialects/transaction-control.js'
import type {
  Adapter,
  AdapterCapabilities,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import { authFailure, redactError } from '../../core/engine/redact.js'
import { InterfaceError } from '../../core/errors.js'
import { isPgAuthFailure } from '../kit/pg-errors.js'
import { neonHttpErrorInfo } from './errors.js'

/** Where the driver sends requests: a URL, or a function of the connection string's host and port. */
export type Endpoint = string | ((host: string, port: number | string) => string)

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

/** The driver's names of the isolation levels (its `isolationLevel` option). */
const driverLevels = {
  'read uncommitted': 'ReadUncommitted',
  'read committed': 'ReadCommitted',
  'repeatable read': 'RepeatableRead',
  serializable: 'Serializable',
} as const

/** Every type as PostgreSQL's text output: the dialect decodes by declared type. */
const identity = (value: string): string => value
const rawText = { getTypeParser: () => identity }

function toRaw(r: FullQueryResults<true>): RawResult {
  const fields = r.fields
  const n = fields.length
  const columns = new Array<string>(n)
  const columnTypes = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const f = fields[i]!
    columns[i] = f.name
    columnTypes[i] = f.dataTypeID
  }
  const count = r.rowCount as number | null | undefined
  return { columns, columnTypes, rows: r.rows, rowsAffected: typeof count === 'number' ? count : -1 }
}

/** What {@link neonHttpAdapter} is made of, read from `neonHttp()`'s arguments. */
export interface NeonHttpConfig {
  readonly sql: NeonQueryFunction<any, any>
  /** The connection string, when one was given (not a `neon()` function). */
  readonly url: string | undefined
  readonly endpoint: Endpoint | undefined
  readonly fetchFunction: typeof fetch | undefined
  readonly secrets: readonly string[]
  /** Where the credentials the server checked came from, for an authentication failure's message. */
  readonly credentialSource: string
  readonly capabilities: AdapterCapabilities
}

/** The neon-http adapter over a driver query function. */
export function neonHttpAdapter(config: NeonHttpConfig): Adapter {
  const { sql, secrets, endpoint, fetchFunction } = config
  const loopback = loopbackEndpoint(config.url)
  let closed = false

  const guard = (): void => {
    if (closed) throw new InterfaceError('The neon-http adapter is closed')
  }
  /** Runs the driver; its errors leave here with credentials removed. */
  const call = async <T>(start: () => Promise<T>): Promise<T> => {
    guard()
    try {
      return await withDriverConfig(endpoint, loopback, fetchFunction, start)
    } catch (err) {
      throw redactError(err, secrets)
    }
  }
  const queryOptions = (signal: AbortSignal | undefined) => ({
    arrayMode: true as const,
    fullResults: true as const,
    types: rawText,
    ...(signal === undefined ? {} : { fetchOptions: { signal } }),
  })

  return sealAdapter({
    name: 'neon-http',
    capabilities: config.capabilities,
    dialect: postgresql,
    secrets,
    async execute(stmt: Statement, opts?: ExecuteOptions): Promise<RawResult> {
      const q = sql.query(stmt.sql, stmt.params as unknown[], queryOptions(opts?.signal))
      // `execute` starts the request now (reading neonConfig synchronously), unlike a lazy `await q`
      const r = await call(() => q.execute(q.queryData, q.opts) as Promise<FullQueryResults<true>>)
      return toRaw(r)
    },
    async batch(stmts: readonly Statement[], opts?: TransactionOptions): Promise<RawResult[]> {
      if (stmts.length === 0) return []
      const qo = queryOptions(opts?.signal)
      const queries = stmts.map((s) => sql.query(s.sql, s.params as unknown[], qo))
      const level = opts?.isolation === undefined ? undefined : driverLevels[isolationLevel(opts.isolation)]
      const txOptions = {
        ...qo,
        ...(level === undefined ? {} : { isolationLevel: level }),
        ...(opts?.readOnly === undefined ? {} : { readOnly: opts.readOnly }),
      }
      const results = await call(
        () => sql.transaction(queries, txOptions) as Promise<FullQueryResults<true>[]>,
      )
      return results.map(toRaw)
    },
    errorInfo(err: unknown): DriverErrorInfo {
      const info = neonHttpErrorInfo(err, secrets)
      return isPgAuthFailure(info) ? authFailure(info, config.credentialSource, info.code ?? '28P01') : info
    },
    async close(): Promise<void> {
      closed = true
    },
  })
}
