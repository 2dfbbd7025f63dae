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
import { type NeonQueryFunction, neon } from '@neondatabase/serverless'
import type { Adapter, AdapterCapabilities, AdapterFactory } from '../../core/engine/adapter.js'
import { ArgumentError } from '../../core/errors.js'
import { secretsOfUrl } from '../kit/url-secrets.js'
import { type Endpoint, neonHttpAdapter, parseUrl } from './adapter.js'

/** Where the driver sends requests: a URL, or a function of the connection string's host and port. */
export type FetchEndpoint = Endpoint

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

/** What the neon-http adapter can do. */
const capabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: false,
  atomicBatch: true,
  batchRoundTrips: 'one',
  savepoints: false,
  maxParams: 65534,
  streaming: 'paged',
})

function makeAdapter(urlOrSql: string | NeonQueryFunction<any, any>, options: NeonHttpOptions = {}): Adapter {
  const url = typeof urlOrSql === 'string' ? urlOrSql : undefined
  const secrets = [...secretsOfUrl(url), ...(options.secrets ?? [])]
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
  return neonHttpAdapter({
    sql,
    url,
    endpoint: options.fetchEndpoint,
    fetchFunction: options.fetchFunction,
    secrets,
    capabilities,
    credentialSource:
      url === undefined
        ? 'the neon() function given to neonHttp()'
        : options.authToken !== undefined
          ? 'the authToken option of neonHttp()'
          : 'the user name and password in the URL given to neonHttp()',
  })
}

/**
 * An adapter for Neon's HTTP endpoint, from a connection URL or an existing `neon()` function.
 * Values come back as PostgreSQL text (the driver's type parsing is off) with their type OIDs.
 */
export const neonHttp: NeonHttpFactory = Object.assign(makeAdapter, {
  schemes: Object.freeze(['postgres:', 'postgresql:']),
})
