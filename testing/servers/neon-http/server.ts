/**
 * A local Neon HTTP `/sql` endpoint in front of a real PostgreSQL, faithful to what the official
 * `neon()` function of `@neondatabase/serverless` 1.2 sends and expects. Values travel as
 * PostgreSQL text output; `transaction([...])` runs BEGIN .. COMMIT on one pooled connection.
 * Counts requests (round trips) and injects faults. Node only.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import pg from 'pg'
import { listenOnLoopback } from '../listen.js'
import {
  beginStatement,
  type ConnectionTarget,
  errorBody,
  type NeonQuery,
  type NeonRequestBody,
  NeonRequestError,
  parseConnectionString,
  textParams,
  toNeonResult,
} from './protocol.js'

/** Options of {@link startNeonHttpServer}. */
export interface NeonHttpServerOptions {
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number
  /** PostgreSQL host that replaces the connection string's host (default `127.0.0.1`). */
  readonly pgHost?: string
  /** PostgreSQL port (default 5432). */
  readonly pgPort?: number
  /** Log in with the connection string's password (default false: the local server uses trust auth). */
  readonly usePassword?: boolean
  /** Connections per user/database/options pool (default 4). */
  readonly poolSize?: number
}

/**
 * A fault for the next counted request(s):
 * - `network`: the connection is destroyed before anything runs (the client sees a fetch failure);
 * - `http-500`: HTTP 500 with a plain-text body, nothing runs;
 * - `drop-after-query`: the request runs (and commits), then the connection is destroyed unanswered;
 * - `stall`: the request is never answered (for timeouts and abort signals); nothing runs.
 */
export type NeonHttpFault = 'network' | 'http-500' | 'drop-after-query' | 'stall'

/** A running server. */
export interface NeonHttpServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  /** `http://127.0.0.1:PORT/sql`, for `neonConfig.fetchEndpoint` (or the adapter's `fetchEndpoint`). */
  readonly endpoint: string
  readonly port: number
  /** `POST /sql` requests received (round trips); CORS preflights are not counted. */
  readonly requests: number
  resetCount(): void
  /** Makes the next `times` counted requests fail with `kind`. */
  injectFault(kind: NeonHttpFault, times?: number, after?: number): void
  close(): Promise<void>
}

/** Every type as its text output: no value parsing on the server. */
const rawText = { getTypeParser: () => (value: string) => value }

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers':
    'Authorization, Content-Type, Neon-Connection-String, Neon-Raw-Text-Output, Neon-Array-Mode, Neon-Batch-Isolation-Level, Neon-Batch-Read-Only, Neon-Batch-Deferrable',
  'access-control-max-age': '86400',
}

/** Starts a Neon HTTP `/sql` server on a free loopback port. */
export async function startNeonHttpServer(options: NeonHttpServerOptions = {}): Promise<NeonHttpServer> {
  const pools = new Map<string, pg.Pool>()
  let requests = 0
  let faults: (NeonHttpFault | undefined)[] = []

  const poolFor = (target: ConnectionTarget): pg.Pool => {
    const key = JSON.stringify([
      target.user,
      target.database,
      target.options,
      options.usePassword && target.password,
    ])
    let pool = pools.get(key)
    if (pool === undefined) {
      pool = new pg.Pool({
        host: options.pgHost ?? '127.0.0.1',
        port: options.pgPort ?? 5432,
        user: target.user,
        database: target.database,
        ...(options.usePassword ? { password: target.password } : {}),
        ...(target.options === undefined ? {} : { options: target.options }),
        ...(target.applicationName === undefined ? {} : { application_name: target.applicationName }),
        max: options.poolSize ?? 4,
        idleTimeoutMillis: 10_000,
        allowExitOnIdle: true,
        types: rawText,
      })
      pool.on('error', () => {}) // an idle connection that dies is dropped by the pool
      pools.set(key, pool)
    }
    return pool
  }

  const run = (client: pg.PoolClient, q: NeonQuery, arrayMode: boolean) => {
    if (q === null || typeof q !== 'object' || typeof q.query !== 'string')
      throw new NeonRequestError('Each query must be {query: string, params: [...]}')
    // extended protocol always, as Neon: a query holding several statements is an error
    const config = {
      text: q.query,
      values: textParams(q.params),
      rowMode: 'array' as const,
      queryMode: 'extended',
    }
    return client.query<unknown[]>(config).then((r) => toNeonResult(r, arrayMode))
  }

  const answer = async (req: IncomingMessage, body: NeonRequestBody): Promise<unknown> => {
    const header = (name: string): string | undefined => {
      const v = req.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const target = parseConnectionString(header('neon-connection-string'))
    const arrayMode = header('neon-array-mode') === 'true'
    if (body === null || typeof body !== 'object')
      throw new NeonRequestError('The body must be a JSON object')
    const queries = 'queries' in body ? body.queries : undefined
    if (queries !== undefined && !Array.isArray(queries))
      throw new NeonRequestError('queries must be an array')
    const begin = queries === undefined ? '' : beginStatement(req.headers)
    const client = await poolFor(target).connect()
    let broken: Error | undefined
    try {
      if (queries === undefined) return await run(client, body as NeonQuery, arrayMode)
      await client.query(begin)
      try {
        const results = []
        for (const q of queries) results.push(await run(client, q, arrayMode))
        await client.query('COMMIT')
        return { results }
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e))
        throw err
      }
    } catch (err) {
      if (!(err instanceof pg.DatabaseError) && !(err instanceof NeonRequestError)) broken = err as Error
      throw err
    } finally {
      client.release(broken)
    }
  }

  const send = (res: ServerResponse, status: number, text: string, type: string): void => {
    res.writeHead(status, { ...corsHeaders, 'content-type': type, 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '')
    if (req.method === 'OPTIONS') {
      req.resume()
      res.writeHead(204, corsHeaders)
      res.end()
      return
    }
    if (req.method !== 'POST' || path !== '/sql') {
      req.resume()
      send(res, 404, `Not found: ${req.method} ${path} (this server speaks Neon's POST /sql)`, 'text/plain')
      return
    }
    requests++
    const fault = faults.shift()
    if (fault === 'network') {
      req.socket.destroy()
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (fault === 'stall') return
    if (fault === 'http-500') {
      send(res, 500, 'Internal server error (injected fault)', 'text/plain')
      return
    }
    let body: NeonRequestBody
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as NeonRequestBody
    } catch {
      send(res, 400, JSON.stringify({ message: 'The request body is not valid JSON' }), 'application/json')
      return
    }
    let reply: string
    try {
      reply = JSON.stringify(await answer(req, body))
    } catch (err) {
      if (err instanceof pg.DatabaseError || err instanceof NeonRequestError) {
        if (fault === 'drop-after-query') req.socket.destroy()
        else send(res, 400, JSON.stringify(errorBody(err)), 'application/json')
        return
      }
      throw err
    }
    if (fault === 'drop-after-query') req.socket.destroy()
    else send(res, 200, reply, 'application/json')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy()
      else send(res, 500, `Internal server error: ${(err as Error)?.message ?? String(err)}`, 'text/plain')
    })
  })
  const port = await listenOnLoopback(server, options.port)
  let closing: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}/sql`,
    port,
    get requests() {
      return requests
    },
    resetCount() {
      requests = 0
    },
    injectFault(kind: NeonHttpFault, times = 1, after = 0) {
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(kind)
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        faults = []
        server.close(() => {
          const all = [...pools.values()]
          pools.clear()
          Promise.allSettled(all.map((p) => p.end())).then(() => resolve())
        })
        server.closeAllConnections()
      })
      return closing
    },
  }
}
