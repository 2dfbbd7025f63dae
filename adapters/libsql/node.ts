/**
 * The libSQL adapter for Node (and Deno/Bun), where local databases work too: `file:` and
 * `:memory:` load the Node build of `@libsql/client` (native module), `ws:`/`wss:` too (Node 20
 * has no global WebSocket); `libsql:`, `https:` and `http:` load the web build, as in
 * `edgealchemy/libsql`. Never import this entry from a Worker.
 *
 * ```ts
 * import { libsql } from 'edgealchemy/libsql/node'
 * const engine = createAsyncEngine(libsql('file:app.db'))
 * ```
 * @module edgealchemy/libsql/node
 */
import type { Client } from '@libsql/client'
import type { Adapter } from '../../core/engine/adapter.js'
import { adapterFor, type CreateClient, type LibsqlOptions, missingDriver, schemeOf } from './config.js'

import { libsqlCapabilities } from './index.js'

export { toRawResult } from './adapter.js'
export type { LibsqlOptions } from './config.js'
export { libsqlCapabilities } from './index.js'

/** The build of `@libsql/client` a URL needs: the web build over fetch, else the Node build. */
function entryOf(url: string): '@libsql/client/web' | '@libsql/client/node' {
  const scheme = schemeOf(url)
  return scheme === 'libsql:' || scheme === 'https:' || scheme === 'http:'
    ? '@libsql/client/web'
    : '@libsql/client/node'
}

async function load(url: string): Promise<CreateClient> {
  const entry = entryOf(url)
  try {
    if (entry === '@libsql/client/web') return (await import('@libsql/client/web')).createClient
    return (await import('@libsql/client/node')).createClient
  } catch (err) {
    throw missingDriver(entry, err)
  }
}

/** The libSQL adapter for any URL the client accepts, or a `@libsql/client` Client. */
export function libsql(urlOrClient: string | Client, options: LibsqlOptions = {}): Adapter {
  if (typeof urlOrClient === 'string') schemeOf(urlOrClient)
  return adapterFor(urlOrClient, options, load, entryOf, libsqlCapabilities)
}
libsql.schemes = ['file:', 'libsql:', 'https:', 'http:', 'wss:', 'ws:'] as readonly string[]
