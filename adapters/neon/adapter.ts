/**
 * The neon (WebSocket) adapter: the kit's pg-protocol adapter over `@neondatabase/serverless`
 * `Client`s (opened with the adapter's driver settings) or over a driver `Pool` you pass.
 * Web-standard only.
 * @module
 */
import { Client, type Pool } from '@neondatabase/serverless'
import { postgresql } from '../../core/dialects/postgresql/index.js'
import type { AdapterCapabilities, DriverErrorInfo } from '../../core/engine/adapter.js'
import { authFailure } from '../../core/engine/redact.js'
import { ArgumentError } from '../../core/errors.js'
import { type PgAdapter, pgAdapter } from '../kit/pg-adapter.js'
import { isPgAuthFailure } from '../kit/pg-errors.js'
import { clientSources, type PgClient, type PgPoolClient, poolSources } from '../kit/pg-sources.js'
import { type PoolOptions, poolPlan, type SourceFactory } from '../kit/pool-options.js'
import { secretsOfUrl } from '../kit/url-secrets.js'
import { isTransportError, neonErrorInfo, toError } from './errors.js'

/** Per-connection driver settings (the driver's `neonConfig`, applied to each `Client` made from a URL). */
export interface NeonDriverSettings {
  /** A WebSocket constructor where the runtime has none (Node 20: `ws`). */
  readonly webSocketConstructor?: unknown
  /** The proxy address: a host, or `(host, port) => 'proxy.example/v2?address=' + host + ':' + port`. */
  readonly wsProxy?: string | ((host: string, port: number | string) => string)
  /** `wss:` (default) or `ws:` to the proxy. */
  readonly useSecureWebSocket?: boolean
  /** `'password'` (driver default) pipelines startup; `false` for servers without cleartext password auth. */
  readonly pipelineConnect?: 'password' | false
  readonly forceDisablePgSSL?: boolean
  readonly coalesceWrites?: boolean
}

/** The keys of {@link NeonDriverSettings}. */
export const driverKeys = [
  'webSocketConstructor',
  'wsProxy',
  'useSecureWebSocket',
  'pipelineConnect',
  'forceDisablePgSSL',
  'coalesceWrites',
] as const

const errors = { toError, isTransportError }

/** A neon `Client` made from `url` with the given driver settings, not yet connected. */
function newClient(url: string, settings: NeonDriverSettings): PgClient {
  const client = new Client({ connectionString: url })
  const config = client.neonConfig as unknown as Record<string, unknown>
  for (const k of driverKeys) if (settings[k] !== undefined) config[k] = settings[k]
  return client as unknown as PgClient
}

function isPool(v: unknown): v is Pool {
  return typeof v === 'object' && v !== null && typeof (v as { connect?: unknown }).connect === 'function'
}

/** A connection string must parse and name a host, so a typo fails here rather than at first use. */
function checkUrl(url: string): void {
  let host = ''
  if (/^postgres(ql)?:\/\//i.test(url))
    try {
      // the scheme swapped for http: so the URL parser reads host and credentials
      host = new URL(`http:${url.slice(url.indexOf(':') + 1)}`).host
    } catch {
      // reported below without the URL itself (it holds the password)
    }
  if (host === '')
    throw new ArgumentError(
      'neon() needs a postgres:// or postgresql:// URL naming a host (the given one does not parse)',
    )
}

/**
 * The adapter for a connection string (its own pool of clients) or a driver `Pool`
 * (whose settings apply; `close()` leaves it open).
 */
export function neonAdapter(
  urlOrPool: string | Pool,
  options: PoolOptions & NeonDriverSettings,
  capabilities: AdapterCapabilities,
): PgAdapter {
  const plan = poolPlan(options)
  let secrets: string[]
  let sources: SourceFactory<PgClient | PgPoolClient>
  let credentialSource: string
  if (typeof urlOrPool === 'string') {
    const url = urlOrPool
    checkUrl(url)
    secrets = secretsOfUrl(url)
    sources = clientSources('neon', () => newClient(url, options), toError, options, plan)
    credentialSource = 'the user name and password in the URL given to neon()'
  } else if (isPool(urlOrPool)) {
    for (const k of ['poolSize', 'maxOverflow', 'poolRecycle', ...driverKeys] as const)
      if (options[k] !== undefined)
        throw new ArgumentError(
          `neon(pool, { ${k} }): the Pool you pass has its own settings (max, idleTimeoutMillis, maxLifetimeSeconds, neonConfig); set them there`,
        )
    const o = urlOrPool.options as { connectionString?: string; password?: unknown } | undefined
    sources = poolSources<PgPoolClient>('neon', urlOrPool, plan, options)
    secrets = secretsOfUrl(o?.connectionString)
    if (typeof o?.password === 'string' && o.password.length > 0) secrets.push(o.password)
    credentialSource = 'the connection settings of the Pool given to neon()'
  } else
    throw new ArgumentError(
      'neon() takes a postgresql:// connection string or a Pool from @neondatabase/serverless',
    )
  return pgAdapter({
    name: 'neon',
    capabilities,
    dialect: postgresql,
    secrets,
    sources,
    plan,
    asyncLocalStorage: options.asyncLocalStorage,
    errors,
    errorInfo(err: unknown): DriverErrorInfo {
      const info = neonErrorInfo(err, secrets)
      return isPgAuthFailure(info) ? authFailure(info, credentialSource, info.code ?? '28P01') : info
    },
  })
}
