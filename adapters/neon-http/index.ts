/**
 * The `neon-http` adapter: Neon's HTTP `/sql` endpoint through the official `neon()` function of
 * `@neondatabase/serverless`. No sockets; every statement is one request, and a batch is one
 * `transaction([...])` request (atomic). No interactive transactions.
 *
 * ```ts
 * const engine = createAsyncEngine(neonHttp(env.DATABASE_URL))
 * // a local server (edgealchemy/testing/servers): loopback hosts are reached over http://host:port/sql
 * const local = neonHttp('postgresql://postgres:pw@127.0.0.1:4444/test')
 * // or anywhere else:
 * const other = neonHttp(url, { fetchEndpoint: 'http://127.0.0.1:4444/sql' })
 * ```
 * @module edgealchemy/neon-http
 */
import { type FullQueryResults, type NeonQueryFunction, neon } from '@neondatabase/serverless'
import { postgresql } from '../../core/dialects/postgresql/index.js'
import type {
  Adapter,
  AdapterCapabilities,
  AdapterFactory,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import { authFailure, redactError } from '../../core/engine/redact.js'
import { ArgumentError, InterfaceError } from '../../core/errors.js'
import {
  driverErrorInfo,
  isolationLevel,
  loopbackEndpoint,
  parseUrl,
  secretsOf,
  withDriverConfig,
} from './driver.js'

/** SQLSTATE class 28 (invalid authorization: a wrong password, an unknown role). */
function isPgAuthFailure(info: DriverErrorInfo): boolean {
  return info.code?.startsWith('28') === true || /password authentication failed/i.test(info.message)
}

/** Where the driver sends requests: a URL, or a function of the connection string's host and port. */
export type FetchEndpoint = string | ((host: string, port: number | string) => string)

/** Options of {@link neonHttp}. */
export interface NeonHttpOptions {
  /**
   * The `/sql` endpoint. Default: Neon's own (`https://api.<host>/sql`), except for a loopback
   * host (`localhost`, `127.0.0.1`, `[::1]`, `*.localhost`), which is reached at
   * `http://<host>:<port>/sql` (a local server such as `startNeonHttpServer`) unless a global
   * `neonConfig.fetchEndpoint` is set. The driver reads
   * this from its global `neonConfig` only; the adapter sets it for the moment each request
   * starts and restores it at once, so adapters with different endpoints coexist.
   */
  readonly fetchEndpoint?: FetchEndpoint | undefined
  /** A `fetch` to use instead of the global one (set like `fetchEndpoint`, per request). */
  readonly fetchFunction?: typeof fetch | undefined
  /** A JWT sent as `Authorization: Bearer` (Neon RLS / Authorize). */
  readonly authToken?: string | (() => string | Promise<string>) | undefined
  /** More strings that must never appear in errors (say, the password when passing a `neon()` function). */
  readonly secrets?: readonly string[] | undefined
}

/** {@link neonHttp} with the URL schemes it accepts, for `createAsyncEngine(url, { adapters })`. */
export interface NeonHttpFactory extends AdapterFactory {
  (urlOrSql: string | NeonQueryFunction<any, any>, options?: NeonHttpOptions): Adapter
}

const capabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: false,
  atomicBatch: true,
  batchRoundTrips: 'one',
  savepoints: false,
  maxParams: 65534,
  streaming: 'paged',
})

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

function makeAdapter(urlOrSql: string | NeonQueryFunction<any, any>, options: NeonHttpOptions = {}): Adapter {
  const url = typeof urlOrSql === 'string' ? urlOrSql : undefined
  const secrets = [...secretsOf(url), ...(options.secrets ?? [])]
  let sql: NeonQueryFunction<any, any>
  if (typeof urlOrSql === 'function') sql = urlOrSql
  else if (typeof urlOrSql === 'string') {
    // the driver checks the URL only when a request starts, quoting it (password too) in its error
    if (!/^postgres(ql)?:/i.test(urlOrSql) || parseUrl(urlOrSql) === undefined)
      throw new ArgumentError(
        'neonHttp() needs a postgres:// or postgresql:// URL (the given one does not parse)',
      )
    sql = neon(urlOrSql, options.authToken === undefined ? {} : { authToken: options.authToken })
  } else throw new ArgumentError('neonHttp() takes a postgres:// URL or a neon() query function')
  const endpoint = options.fetchEndpoint
  const loopback = loopbackEndpoint(url)
  const fetchFunction = options.fetchFunction
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

  const source =
    url === undefined
      ? 'the neon() function given to neonHttp()'
      : options.authToken !== undefined
        ? 'the authToken option of neonHttp()'
        : 'the user name and password in the URL given to neonHttp()'
  return sealAdapter({
    name: 'neon-http',
    capabilities,
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
      const level = isolationLevel(opts?.isolation)
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
      const info = driverErrorInfo(err, secrets)
      return isPgAuthFailure(info) ? authFailure(info, source, info.code ?? '28P01') : info
    },
    async close(): Promise<void> {
      closed = true
    },
  })
}

/**
 * An adapter for Neon's HTTP endpoint, from a connection URL or an existing `neon()` function.
 * Values come back as PostgreSQL text (the driver's type parsing is off) with their type OIDs.
 */
export const neonHttp: NeonHttpFactory = Object.assign(makeAdapter, {
  schemes: Object.freeze(['postgres:', 'postgresql:']),
})
