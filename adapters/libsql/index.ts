/**
 * The libSQL / Turso adapter for edge runtimes.
 *
 * ```ts
 * import { libsql } from 'edgealchemy/libsql'
 * const engine = createAsyncEngine(libsql(env.TURSO_URL, { authToken: env.TURSO_TOKEN }))
 * ```
 *
 * Which build of `@libsql/client` a URL gets: remote URLs (`libsql:`, `https:`, `http:`,
 * `wss:`, `ws:`) load the web build (`@libsql/client/web`, fetch / WebSocket only) by a dynamic
 * import on first use, so a Worker bundle never contains the Node build and module load does no
 * work. Local files (`file:`, `:memory:`) need the Node build and its native module: import
 * `libsql` from `edgealchemy/libsql/node` instead, or pass a client you created yourself
 * (`createClient({ url, intMode: 'bigint' })`; without `intMode: 'bigint'`, integers above 2^53
 * cannot be read). A client passed in is not closed by `close()`; one made from a URL is.
 *
 * Without `@libsql/client` installed, `libsql(url)` throws an `InterfaceError` naming the package
 * (`npm install @libsql/client`) where the runtime can resolve modules synchronously (Node, Deno,
 * Bun, running the package unbundled); in a bundle the bundler reports the missing package, and
 * the same error is raised by the first statement should the import still fail.
 * @module edgealchemy/libsql
 */
import type { Client } from '@libsql/client'
import type { Adapter, AdapterCapabilities } from '../../core/engine/adapter.js'
import { ArgumentError } from '../../core/errors.js'
import { adapterFor, type CreateClient, type LibsqlOptions, missingDriver, schemeOf } from './config.js'

export { toRawResult } from './adapter.js'
export type { LibsqlOptions } from './config.js'

/** What every libSQL adapter can do. */
export const libsqlCapabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  batchRoundTrips: 'one',
  savepoints: true,
  maxParams: 32766,
  streaming: 'paged',
})

/** URL schemes the web build serves. */
const remoteSchemes = ['libsql:', 'https:', 'http:', 'wss:', 'ws:'] as const

/** The module {@link loadWeb} imports, checked when the adapter is created. */
const webEntry = '@libsql/client/web'

async function loadWeb(): Promise<CreateClient> {
  try {
    return (await import('@libsql/client/web')).createClient
  } catch (err) {
    throw missingDriver(webEntry, err)
  }
}

/**
 * The libSQL adapter for a remote URL or a `@libsql/client` Client. For `file:` URLs use
 * `edgealchemy/libsql/node`.
 */
export function libsql(urlOrClient: string | Client, options: LibsqlOptions = {}): Adapter {
  if (
    typeof urlOrClient === 'string' &&
    !(remoteSchemes as readonly string[]).includes(schemeOf(urlOrClient))
  )
    throw new ArgumentError(
      `libsql() from edgealchemy/libsql takes remote URLs (${remoteSchemes.join(', ')}); for file: and :memory: import libsql from edgealchemy/libsql/node, or pass a client`,
    )
  return adapterFor(urlOrClient, options, loadWeb, () => webEntry, libsqlCapabilities)
}
libsql.schemes = remoteSchemes as readonly string[]
