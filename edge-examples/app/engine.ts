/**
 * Which database the app talks to, chosen from its environment, and one engine per isolate.
 *
 * - `DATABASE_ADAPTER` names the adapter and `DATABASE_URL` the database; without
 *   `DATABASE_ADAPTER` the URL's scheme decides (`postgres:` neon-http, `mysql:` planetscale,
 *   `libsql:`/`http(s):`/`ws(s):`/`file:` libsql).
 * - Without either, on Cloudflare Workers, the D1 binding `DB` (wrangler.toml): the default.
 * - `file:` URLs (embedded libSQL) need the Node build of the libSQL client, which a Worker must
 *   not bundle: the Node, Bun and Deno entries pass it as `localLibsql` (edgealchemy/libsql/node).
 *
 * Every adapter here is imported statically, so a Worker bundle carries all five drivers (the
 * libSQL web client is loaded lazily by the adapter). A deployment that uses one adapter would
 * import only that one.
 */
import type { D1Database } from '@cloudflare/workers-types'
import { type Adapter, ArgumentError, type AsyncEngine, createAsyncEngine } from 'edgealchemy'
import { d1 } from 'edgealchemy/d1'
import { libsql } from 'edgealchemy/libsql'
import { neon } from 'edgealchemy/neon'
import { neonHttp } from 'edgealchemy/neon-http'
import { planetscale } from 'edgealchemy/planetscale'

/** The adapters the app can use, as `DATABASE_ADAPTER` names them. */
export const ADAPTERS = ['d1', 'neon-http', 'neon', 'libsql', 'planetscale'] as const
export type DatabaseAdapter = (typeof ADAPTERS)[number]

/**
 * The app's bindings and environment variables. On Workers they come from wrangler.toml, secrets
 * and `.dev.vars`; the Node entry (and later the Bun and Deno entries) builds this from
 * `process.env` / `Deno.env` and calls `app.fetch(request, env)`. See `.dev.vars.example`.
 */
export interface Env {
  /** The D1 binding (`[[d1_databases]] binding = "DB"` in wrangler.toml). Used when neither `DATABASE_ADAPTER` nor `DATABASE_URL` is set, or `DATABASE_ADAPTER` is `'d1'`. */
  DB?: D1Database
  /** Which adapter to use; when unset, the scheme of `DATABASE_URL` decides, or `DB` (d1) without a URL. */
  DATABASE_ADAPTER?: DatabaseAdapter
  /**
   * The database URL (never shown in responses or errors): `postgresql://user:pass@host/db` for
   * neon-http and neon, `libsql://db.turso.io` (or `https:`, `ws:`; `file:` on Node, Bun, Deno)
   * for libsql, `mysql://user:pass@host` for planetscale.
   */
  DATABASE_URL?: string
  /** The libSQL (Turso) auth token; for other adapters the URL carries the credentials. */
  DATABASE_AUTH_TOKEN?: string
  /**
   * neon-http only: the `/sql` endpoint when it is not Neon's own (`https://api.<host>/sql`), e.g.
   * `http://127.0.0.1:4444/sql` for a local server. A loopback host in `DATABASE_URL` needs none.
   */
  NEON_FETCH_ENDPOINT?: string
  /**
   * neon (WebSocket) only: a WebSocket proxy to use instead of Neon's, as `host:port/path`
   * (`127.0.0.1:4445/v2` for a local proxy); the database's `host:port` is appended as
   * `?address=`. A loopback proxy is reached over `ws:` with pipelining off.
   */
  NEON_WS_PROXY?: string
}

/** What only the runtime's entry can give (things a Worker bundle must not contain). */
export interface EngineOptions {
  /** The libSQL factory that opens `file:` URLs: `libsql` of `edgealchemy/libsql/node` (Node, Bun, Deno). */
  readonly localLibsql?: (url: string, options?: { authToken?: string }) => Adapter
  /** A WebSocket constructor for the neon adapter where the runtime has none (Node 20: `ws`). */
  readonly webSocketConstructor?: unknown
}

/** The environment names no database, or names one this runtime cannot open. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError'
}

/** The adapter `env` selects, without building anything. */
export function adapterName(env: Env): DatabaseAdapter {
  const named = env.DATABASE_ADAPTER
  if (named !== undefined && named !== ('' as string)) {
    if (!(ADAPTERS as readonly string[]).includes(named))
      throw new ConfigurationError(`DATABASE_ADAPTER must be one of ${ADAPTERS.join(', ')}, not "${named}"`)
    return named
  }
  const url = env.DATABASE_URL
  if (url === undefined || url === '') {
    if (env.DB !== undefined) return 'd1'
    throw new ConfigurationError(
      'No database configured: bind a D1 database as DB (wrangler.toml) or set DATABASE_URL (see .dev.vars.example)',
    )
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql') return 'neon-http'
  if (scheme === 'mysql') return 'planetscale'
  if (scheme !== undefined && ['libsql', 'http', 'https', 'ws', 'wss', 'file'].includes(scheme))
    return 'libsql'
  throw new ConfigurationError(
    'DATABASE_URL has a scheme no adapter takes (postgresql:, mysql:, libsql:, https:, file:); set DATABASE_ADAPTER',
  )
}

const byBinding = new WeakMap<object, AsyncEngine>()
const byConfig = new Map<string, AsyncEngine>()

/**
 * The engine for `env`, made once per isolate (process) and configuration: later calls with the
 * same configuration return the same engine, whatever object `env` is (workerd passes the same
 * `env` to every request, hono's Node server a new one each time).
 */
export function engineFor(env: Env, options: EngineOptions = {}): AsyncEngine {
  const adapter = adapterName(env)
  if (adapter === 'd1') {
    const binding = env.DB
    if (binding === undefined)
      throw new ConfigurationError(
        'DATABASE_ADAPTER is d1, but there is no D1 binding named DB (wrangler.toml)',
      )
    let engine = byBinding.get(binding)
    if (engine === undefined) byBinding.set(binding, (engine = createAsyncEngine(d1(binding))))
    return engine
  }
  const url = env.DATABASE_URL
  if (url === undefined || url === '')
    throw new ConfigurationError(`DATABASE_ADAPTER is ${adapter}, but DATABASE_URL is not set`)
  const key = JSON.stringify([
    adapter,
    url,
    env.DATABASE_AUTH_TOKEN,
    env.NEON_FETCH_ENDPOINT,
    env.NEON_WS_PROXY,
  ])
  let engine = byConfig.get(key)
  if (engine === undefined) {
    let made: Adapter
    try {
      made = makeAdapter(adapter, url, env, options)
    } catch (err) {
      // the adapters check their URL; their messages name no secret, but say it without the URL anyway
      if (err instanceof ArgumentError)
        throw new ConfigurationError(`DATABASE_URL is not a URL the ${adapter} adapter takes`, { cause: err })
      throw err
    }
    byConfig.set(key, (engine = createAsyncEngine(made)))
  }
  return engine
}

function makeAdapter(
  adapter: Exclude<DatabaseAdapter, 'd1'>,
  url: string,
  env: Env,
  options: EngineOptions,
): Adapter {
  switch (adapter) {
    case 'neon-http':
      return neonHttp(url, env.NEON_FETCH_ENDPOINT ? { fetchEndpoint: env.NEON_FETCH_ENDPOINT } : {})
    case 'neon': {
      const proxy = env.NEON_WS_PROXY
      const local = proxy !== undefined && /^(localhost|127\.|\[::1\])/.test(proxy)
      return neon(url, {
        ...(options.webSocketConstructor === undefined
          ? {}
          : { webSocketConstructor: options.webSocketConstructor }),
        ...(proxy
          ? {
              wsProxy: (host: string, port: number | string) => `${proxy}?address=${host}:${port}`,
              ...(local ? { useSecureWebSocket: false, pipelineConnect: false as const } : {}),
            }
          : {}),
      })
    }
    case 'libsql': {
      const authToken = env.DATABASE_AUTH_TOKEN ? { authToken: env.DATABASE_AUTH_TOKEN } : {}
      if (/^file:|^:memory:$/i.test(url)) {
        if (options.localLibsql === undefined)
          throw new ConfigurationError(
            'A file: libSQL database needs edgealchemy/libsql/node, which a Worker cannot load: use a libsql:// or https:// URL here',
          )
        return options.localLibsql(url, authToken)
      }
      return libsql(url, authToken)
    }
    case 'planetscale':
      return planetscale(url)
  }
}

/** Disposes every engine made here (a Node, Bun or Deno server calls this when it stops). */
export async function disposeEngines(): Promise<void> {
  const engines = [...byConfig.values()]
  byConfig.clear()
  await Promise.all(engines.map((e) => e.dispose()))
}
