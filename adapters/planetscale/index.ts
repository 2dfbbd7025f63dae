/**
 * The PlanetScale adapter for edge runtimes, over the official `@planetscale/database` driver
 * (fetch only, no sockets).
 *
 * ```ts
 * import { planetscale } from 'edgealchemy/planetscale'
 * const engine = createAsyncEngine(planetscale({ host: env.DATABASE_HOST, username: env.DATABASE_USERNAME, password: env.DATABASE_PASSWORD }))
 * // a URL, a driver Config, or a Connection/Client from the driver:
 * const other = planetscale('mysql://user:pass@aws.connect.psdb.cloud')
 * // a local server (edgealchemy/testing/servers): loopback URLs are reached over http://
 * const local = planetscale(server.url)
 * ```
 *
 * Every statement is one HTTP request. Transactions (`begin()`) and batches run on one Vitess
 * session: BEGIN, each statement and COMMIT are separate requests (`batchRoundTrips:
 * 'per-statement'`). The driver writes parameters into the SQL on the client (PlanetScale has no
 * server-side binding); strings are escaped with backslashes, so the server must not run with
 * `NO_BACKSLASH_ESCAPES` (PlanetScale does not). Values come back raw (`cast` switched off): the
 * dialect decodes them by declared type. PlanetScale reports changed rows, not matched rows, as
 * `rowsAffected`: an UPDATE that writes the values a row already has counts 0.
 * @module edgealchemy/planetscale
 */
import type { Client, Config, Connection } from '@planetscale/database'
import { isolationLevel as readIsolationLevel } from '../../core/dialects/transaction-control.js'
import type {
  Adapter,
  AdapterCapabilities,
  AdapterFactory,
  DriverErrorInfo,
} from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import { authFailure } from '../../core/engine/redact.js'
import { ArgumentError } from '../../core/errors.js'
import { planetscaleAdapter } from './adapter.js'
import { isAuthFailure, secretsOf } from './errors.js'

export { parseVitessMessage, planetscaleErrorInfo } from './errors.js'
export { rawCast, toParam, toRawResult } from './values.js'

/** What the planetscale adapter can do. */
export const planetscaleCapabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  batchRoundTrips: 'per-statement',
  savepoints: true,
  maxParams: 65535,
  streaming: 'paged',
  // vtgate reports rows changed, not rows matched, as rowsAffected (no CLIENT_FOUND_ROWS over HTTP)
  updateRowCount: 'changed',
})

/**
 * An isolation level's name as MySQL writes it: `'read committed'`, `'READ_COMMITTED'`,
 * `'read-committed'` -> `READ COMMITTED`; unknown names are refused (an `ArgumentError`).
 */
export function isolationLevel(isolation: string): string {
  return readIsolationLevel(isolation).toUpperCase()
}

/** Options of {@link planetscale}. */
export interface PlanetScaleOptions {
  /** A `fetch` to use instead of the global one (overrides the config's). */
  readonly fetch?: Config['fetch'] | undefined
  /** More strings that must never appear in errors. */
  readonly secrets?: readonly string[] | undefined
}

/** {@link planetscale} with the URL schemes it accepts, for `createAsyncEngine(url, { adapters })`. */
export interface PlanetScaleFactory extends AdapterFactory {
  (urlOrConfigOrConnection: string | Config | Connection | Client, options?: PlanetScaleOptions): Adapter
}

const loopback = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|[a-z0-9.-]+\.localhost)$/i

/**
 * A `mysql://` URL whose host is the loopback goes over `http://` (a local server); the driver
 * itself keeps `http:` only when the URL says so and uses `https:` for every other scheme.
 */
function driverUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url)
  if (m === null) throw new ArgumentError('planetscale() takes a URL such as mysql://user:password@host')
  const scheme = (m[1] as string).toLowerCase()
  if (scheme === 'mysql' && loopback.test(m[2] as string)) return `http${url.slice(scheme.length)}`
  return url
}

function hasConfig(value: object): value is Connection | Client {
  const v = value as { config?: unknown; execute?: unknown }
  return typeof v.execute === 'function' && typeof v.config === 'object' && v.config !== null
}

function credentials(config: Config): { username?: string; password?: string } {
  if (config.url !== undefined) {
    try {
      const u = new URL(config.url)
      return { username: decodeURIComponent(u.username), password: u.password }
    } catch {
      throw new ArgumentError('planetscale() got a config whose url is not a URL')
    }
  }
  return {
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password === undefined ? {} : { password: config.password }),
  }
}

/** Where the password the server checked came from, for an authentication failure's message. */
function credentialSource(given: unknown, config: Config): string {
  if (typeof given === 'string') return 'the password in the URL given to planetscale()'
  if (typeof given === 'object' && given !== null && hasConfig(given))
    return 'the credentials of the Connection given to planetscale()'
  return config.url !== undefined
    ? 'the password in the url of the config given to planetscale()'
    : 'the username and password of the config given to planetscale()'
}

/**
 * The PlanetScale adapter for a URL (`mysql://user:password@host`, or `http://` for a local
 * server), a driver `Config` (`{ host, username, password }` or `{ url }`), or a driver
 * `Connection`/`Client` (its configuration is used; each transaction gets its own session).
 */
export const planetscale: PlanetScaleFactory = Object.assign(
  (
    urlOrConfigOrConnection: string | Config | Connection | Client,
    options: PlanetScaleOptions = {},
  ): Adapter => {
    let config: Config
    if (typeof urlOrConfigOrConnection === 'string') config = { url: driverUrl(urlOrConfigOrConnection) }
    else if (typeof urlOrConfigOrConnection === 'object' && urlOrConfigOrConnection !== null)
      config = hasConfig(urlOrConfigOrConnection)
        ? { ...urlOrConfigOrConnection.config }
        : { ...(urlOrConfigOrConnection as Config) }
    else throw new ArgumentError('planetscale() takes a URL, a driver Config, or a Connection/Client')
    if (config.url === undefined && config.host === undefined)
      throw new ArgumentError('planetscale() needs a url or a host')
    if (options.fetch !== undefined) config.fetch = options.fetch
    // the adapter decides how values are cast; parameters go through the driver's own format
    delete config.cast
    delete config.format
    const { username, password } = credentials(config)
    const fromConfig = config.password && config.password !== password ? [config.password] : []
    const adapter = planetscaleAdapter(
      config,
      secretsOf(username, password, [...fromConfig, ...(options.secrets ?? [])]),
      planetscaleCapabilities,
    )
    const source = credentialSource(urlOrConfigOrConnection, config)
    const base = adapter.errorInfo.bind(adapter)
    adapter.errorInfo = (err: unknown): DriverErrorInfo => {
      const info = base(err)
      // the server's refusal, not a lost request: a commit refused at login committed nothing
      return isAuthFailure(err, info) ? authFailure(info, source, info.code ?? '1045') : info
    }
    return sealAdapter(adapter)
  },
  { schemes: ['mysql:'] as readonly string[] },
)
