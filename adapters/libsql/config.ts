/**
 * Turning `libsql(urlOrClient, options)` into a client source: which build of
 * `@libsql/client` a URL needs, and which strings are secrets.
 * @module
 */
import type { Client, Config } from '@libsql/client'
import type { Adapter, AdapterCapabilities, DriverErrorInfo } from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import { authFailure } from '../../core/engine/redact.js'
import { ArgumentError, InterfaceError } from '../../core/errors.js'
import { secretForms, secretsOfUrl } from '../kit/url-secrets.js'
import { libsqlAdapter } from './adapter.js'
import { isAuthFailure } from './errors.js'

/** Options of `libsql()`. */
export interface LibsqlOptions {
  /** The database token (Turso); may also be given as `?authToken=` in the URL. Never appears in errors. */
  readonly authToken?: string | undefined
  /** More strings to redact from errors, e.g. the token of a client you pass in. */
  readonly secrets?: readonly string[] | undefined
  /** Other `createClient` settings for URLs (`fetch`, `concurrency`, `tls`...); `intMode` is always `'bigint'`. */
  readonly clientConfig?: Omit<Config, 'url' | 'authToken' | 'intMode'> | undefined
}

/** A `createClient` function of one build of `@libsql/client`. */
export type CreateClient = (config: Config) => Client

/** `file:` / `:memory:` / `libsql:`... in lower case, `':memory:'` for the in-memory database. */
export function schemeOf(url: string): string {
  if (url === ':memory:') return ':memory:'
  const m = /^([a-z][a-z0-9+.-]*:)/i.exec(url)
  if (m === null)
    throw new ArgumentError(
      'libsql() takes a URL (libsql:, https:, http:, wss:, ws:, file:) or a @libsql/client Client',
    )
  return (m[1] as string).toLowerCase()
}

/** Strings never to show in an error: the token from options or URL, the URL's password. */
function secretsOf(url: string | undefined, options: LibsqlOptions): string[] {
  const out = [...(options.secrets ?? [])]
  if (options.authToken) out.push(options.authToken)
  if (url !== undefined) {
    out.push(...secretForms(/[?&]authToken=([^&#]+)/.exec(url)?.[1]))
    out.push(...secretsOfUrl(url))
  }
  return out.filter((s) => s.length >= 3)
}

function isClient(value: unknown): value is Client {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Client).execute === 'function' &&
    typeof (value as Client).batch === 'function' &&
    typeof (value as Client).transaction === 'function'
  )
}

/** Where the token the server checked came from, for an authentication failure's message. */
function tokenSource(url: string | undefined, options: LibsqlOptions): string {
  if (url === undefined) return 'the token of the Client given to libsql()'
  if (options.authToken !== undefined) return 'the authToken option of libsql()'
  if (/[?&]authToken=/.test(url)) return 'the authToken in the URL given to libsql()'
  return 'libsql() without an authToken (give one as its authToken option)'
}

/** A remote URL must parse and name a host, so a typo fails here rather than at first use. */
function checkRemoteUrl(url: string): void {
  let host = ''
  try {
    host = new URL(url).host
  } catch {
    // reported below without the URL itself (it may hold a token)
  }
  if (host === '')
    throw new ArgumentError(
      `libsql() got a ${schemeOf(url)} URL that does not parse or names no host (expected e.g. libsql://db-org.turso.io)`,
    )
}

/** The error for a build of `@libsql/client` that cannot be imported. */
export function missingDriver(entry: string, err: unknown): InterfaceError {
  return new InterfaceError(
    `libsql() needs the @libsql/client package (${entry} could not be imported): npm install @libsql/client`,
    { cause: err },
  )
}

/**
 * Whether this module runs as its own file (from the package's dist/ or the sources) rather than
 * inside a bundle: only then does resolving a package from here say what its dynamic import will
 * find. A bundler inlines the import (so resolving from the bundle's location proves nothing) and
 * renames the file, so a bundle never matches.
 */
const unbundled = /\/adapters\/libsql\/config\.[cm]?[jt]s$/.test(String(import.meta.url))

/**
 * Checks, when the adapter is created, that `entry` (the build of `@libsql/client` a URL needs)
 * can be imported, so a missing package fails there rather than at the first statement. Uses
 * the runtime's synchronous resolver (`import.meta.resolve`: Node >= 20.6, Deno, Bun), which
 * follows the same rules as the import made later; skipped where there is none or the code is
 * bundled (workerd, Vercel Edge: the bundler already failed the build on a missing package).
 * @throws InterfaceError (the one {@link missingDriver} makes) when `entry` does not resolve.
 */
export function checkDriver(entry: string): void {
  if (!unbundled || typeof import.meta.resolve !== 'function') return
  try {
    import.meta.resolve(entry)
  } catch (err) {
    throw missingDriver(entry, err)
  }
}

/**
 * libSQL's embedded engine (the `libsql` native module 0.5) leaves a write that SQLite refused
 * with SQLITE_BUSY unfinished on its connection, which then keeps the write lock though it reports
 * no open transaction: its later writes are never seen by anyone else, and every other writer
 * gets SQLITE_BUSY until the connection closes. Running the unit again on the same client would
 * look like success and write nothing, so such an error is not retryable; disposing the engine
 * closes the connection. Only errors SQLite itself raised (the driver's `rawCode`) do this; a
 * refusal the adapter makes before calling the driver keeps the dialect's verdict.
 */
function poisonedByBusy(err: unknown, info: DriverErrorInfo): DriverErrorInfo {
  if (info.retryable !== undefined || !/^SQLITE_(BUSY|LOCKED)/.test(info.code ?? '')) return info
  if (typeof (err as { rawCode?: unknown } | null)?.rawCode !== 'number') return info
  return {
    ...info,
    retryable: false,
    message: `${info.message} (libSQL's embedded driver keeps this connection holding the write lock after a busy error: dispose the engine before trying again)`,
  }
}

/** The adapter with authentication failures named by `source`, and safe to print. */
function finish(adapter: Adapter, source: string): Adapter {
  const base = adapter.errorInfo.bind(adapter)
  const embedded = adapter.embedded === true
  adapter.errorInfo = (err: unknown): DriverErrorInfo => {
    const info = base(err)
    if (isAuthFailure(info)) return authFailure(info, source, 'UNAUTHORIZED')
    return embedded ? poisonedByBusy(err, info) : info
  }
  return sealAdapter(adapter)
}

/**
 * Builds the adapter for a client, or for a URL whose client `load` makes on first use (so
 * creating the adapter imports nothing; it only checks, where the runtime can say, that
 * `entryOf(url)`, the module `load` will import, resolves: see {@link checkDriver}).
 */
export function adapterFor(
  urlOrClient: string | Client,
  options: LibsqlOptions,
  load: (url: string) => Promise<CreateClient>,
  entryOf: (url: string) => string,
  capabilities: AdapterCapabilities,
): Adapter {
  if (isClient(urlOrClient))
    return finish(
      libsqlAdapter(
        { client: urlOrClient, owned: false, embedded: urlOrClient.protocol === 'file' },
        secretsOf(undefined, options),
        capabilities,
      ),
      tokenSource(undefined, options),
    )
  if (typeof urlOrClient !== 'string')
    throw new ArgumentError('libsql() takes a URL or a @libsql/client Client')
  const url = urlOrClient
  const embedded = url === ':memory:' || /^file:/i.test(url)
  if (!embedded) checkRemoteUrl(url)
  checkDriver(entryOf(url))
  const config: Config = {
    ...options.clientConfig,
    url,
    intMode: 'bigint',
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
  }
  return finish(
    libsqlAdapter(
      { owned: true, embedded, load: async () => (await load(url))(config) },
      secretsOf(url, options),
      capabilities,
    ),
    tokenSource(url, options),
  )
}
