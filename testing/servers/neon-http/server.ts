/**
 * A local Neon HTTP `/sql` endpoint in front of a real PostgreSQL, faithful to what the official
 * `neon()` function of `@neondatabase/serverless` 1.2 sends and to what Neon's proxy answers.
 * `transaction([...])` runs BEGIN .. COMMIT on one pooled connection. Counts requests (round
 * trips) and injects faults. Node only.
 *
 * As strict as the proxy (read from neon's `proxy/src/serverless/sql_over_http.rs`, `json.rs`,
 * `http_util.rs`, `backend.rs`):
 * - error bodies carry `message` and every PostgreSQL field key (null when absent); a query's
 *   error is HTTP 400; PostgreSQL refusing the login is the proxy's own 400 without a code
 *   (`password authentication failed for user '...'`), an unknown database 400 with `3D000`, any
 *   other refusal 500; request errors (`invalid header: neon-connection-string`, `incorrect
 *   scheme`, a connection string without a password) are 400 with every field null;
 * - `Neon-Raw-Text-Output`, `Neon-Array-Mode`, `Neon-Batch-Read-Only` and `-Deferrable` count only
 *   when exactly `true`; `Neon-Batch-Isolation-Level` must be `ReadUncommitted`, `ReadCommitted`,
 *   `RepeatableRead` or `Serializable`; a successful `{queries}` reply echoes the batch headers set;
 * - parameters may be any JSON (converted as the proxy converts them); without
 *   `Neon-Raw-Text-Output: true` values come back as typed JSON; a query's `arrayMode` wins over
 *   the header;
 * - a connection's session state (settings, temporary tables, prepared statements, advisory
 *   locks) is reset before it serves another request;
 * - a request body over 10 MiB is HTTP 413, a reply over 10 MiB HTTP 507 (a batch rolls back):
 *   the proxy's default limits (`maxRequestBytes`, `maxResponseBytes`).
 * @module
 */
import type { IncomingMessage } from 'node:http'
import pg from 'pg'
import { type HttpReply, startHttpServer } from '../harness/http-server.js'
import { RequestGate } from '../harness/request-gate.js'
import { JsonConversionError } from './json.js'
import {
  beginStatement,
  type ConnectionTarget,
  echoedHeaders,
  errorBody,
  type NeonHeaders,
  NeonRequestError,
  neonResultJson,
  parseConnectionString,
  readHeaders,
  readQuery,
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
  /** Largest request body (default 10 MiB, the proxy's default): a larger one is HTTP 413. */
  readonly maxRequestBytes?: number
  /** Largest reply (default 10 MiB, the proxy's default): a larger one is HTTP 507, a batch rolls back. */
  readonly maxResponseBytes?: number
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

/** PostgreSQL refused or failed the login (not a query's error). */
/** The reply grew past `maxResponseBytes` (HTTP 507, as the proxy's `ResponseTooLarge`). */
class ResponseTooLargeError extends Error {}

class ConnectError extends Error {
  constructor(
    override readonly cause: Error,
    readonly target: ConnectionTarget,
  ) {
    super(cause.message)
  }
}

/** What the proxy runs before a pooled connection serves another request (`reset_session_background`). */
const sessionReset =
  'ROLLBACK; CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES'

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
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

  /** Array type OID -> element type OID, read once per pool (for typed JSON output). */
  const arrayTypes = new Map<pg.Pool, Promise<Map<number, number>>>()
  const elementsOf = (pool: pg.Pool, client: pg.PoolClient): Promise<Map<number, number>> => {
    let known = arrayTypes.get(pool)
    if (known === undefined) {
      known = client
        .query<[string, string]>({
          text: "SELECT oid::int8, typelem::int8 FROM pg_type WHERE typcategory = 'A' AND typelem <> 0",
          rowMode: 'array',
        })
        .then((r) => new Map(r.rows.map(([a, e]) => [Number(a), Number(e)])))
      known.catch(() => arrayTypes.delete(pool))
      arrayTypes.set(pool, known)
    }
    return known
  }

  const maxRequestBytes = options.maxRequestBytes ?? 10 * 1024 * 1024
  const maxResponseBytes = options.maxResponseBytes ?? 10 * 1024 * 1024

  const run = async (
    size: { bytes: number },
    client: pg.PoolClient,
    q: unknown,
    h: NeonHeaders,
    elements: ReadonlyMap<number, number>,
  ): Promise<string> => {
    const { query, params, arrayMode } = readQuery(q)
    // extended protocol always, as Neon: a query holding several statements is an error
    const config = { text: query, values: params, rowMode: 'array' as const, queryMode: 'extended' }
    const result = await client.query<unknown[]>(config)
    const json = neonResultJson(result, arrayMode ?? h.arrayMode, h.rawTextOutput, elements)
    size.bytes += json.length
    if (size.bytes > maxResponseBytes)
      throw new ResponseTooLargeError(`response is too large (max is ${maxResponseBytes} bytes)`)
    return json
  }

  /** Connects as the target; PostgreSQL refusing the login is a connection error (see `send`). */
  const connect = async (target: ConnectionTarget): Promise<[pg.Pool, pg.PoolClient]> => {
    const pool = poolFor(target)
    try {
      return [pool, await pool.connect()]
    } catch (err) {
      throw new ConnectError(err as Error, target)
    }
  }

  /** Answers one request: the reply's JSON text and the headers to echo. */
  const answer = async (req: IncomingMessage, body: unknown): Promise<[string, Record<string, string>]> => {
    const target = parseConnectionString(headerOf(req, 'neon-connection-string'))
    const h = readHeaders(req.headers)
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new NeonRequestError('could not parse the HTTP request body: expected a JSON object')
    const queries = 'queries' in body ? (body as { queries: unknown }).queries : undefined
    if (queries !== undefined && !Array.isArray(queries))
      throw new NeonRequestError('could not parse the HTTP request body: `queries` must be an array')
    const [pool, client] = await connect(target)
    let broken: Error | undefined
    try {
      const elements = h.rawTextOutput ? new Map<number, number>() : await elementsOf(pool, client)
      const size = { bytes: 0 }
      if (queries === undefined) return [await run(size, client, body, h, elements), {}]
      await client.query(beginStatement(h))
      try {
        const results: string[] = []
        for (const q of queries) results.push(await run(size, client, q, h, elements))
        await client.query('COMMIT')
        return [`{"results":[${results.join(',')}]}`, echoedHeaders(h)]
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e))
        throw err
      }
    } catch (err) {
      if (!(err instanceof pg.DatabaseError) && !(err instanceof NeonRequestError)) broken = err as Error
      throw err
    } finally {
      if (broken !== undefined) client.release(broken)
      // as the proxy since 2025-07: session state never reaches the next request on this connection
      else
        client.query(sessionReset).then(
          () => client.release(),
          (e: Error) => client.release(e),
        )
    }
  }

  const reply = (status: number, text: string, type: string, extra = {}): HttpReply => ({
    status,
    headers: { ...corsHeaders, ...extra, 'content-type': type },
    body: text,
  })

  /** An error reply as the proxy shapes it: the status, and a JSON body with every field key. */
  const errorReply = (err: unknown): [number, string] | undefined => {
    if (err instanceof pg.DatabaseError) return [400, JSON.stringify(errorBody(err))]
    if (err instanceof NeonRequestError) return [400, JSON.stringify(errorBody(err))]
    if (err instanceof ResponseTooLargeError) return [507, JSON.stringify(errorBody(err))]
    if (err instanceof JsonConversionError)
      return [500, JSON.stringify(errorBody(err, 'could not parse postgres response'))]
    if (err instanceof ConnectError) {
      const cause = err.cause
      if (cause instanceof pg.DatabaseError) {
        // the proxy checks the login itself: an unknown role or a wrong password is its own
        // 400 without a code; an unknown database is a user error (400 with 3D000, since
        // neon#12603, 2025-07); any other refusal by PostgreSQL is a 500
        if (cause.code === '28000' || cause.code === '28P01')
          return [
            400,
            JSON.stringify(
              errorBody(new Error(), `password authentication failed for user '${err.target.user}'`),
            ),
          ]
        return [cause.code === '3D000' ? 400 : 500, JSON.stringify(errorBody(cause))]
      }
      return [
        500,
        JSON.stringify(errorBody(new Error(), `Couldn't connect to compute node: ${cause.message}`)),
      ]
    }
    return undefined
  }

  /** CORS preflights and other paths: neither counted nor faulted. */
  const uncounted = (req: IncomingMessage): HttpReply | undefined => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '')
    if (req.method === 'OPTIONS') return { status: 204, headers: corsHeaders }
    if (req.method !== 'POST' || path !== '/sql')
      return reply(
        404,
        `Not found: ${req.method} ${path} (this server speaks Neon's POST /sql)`,
        'text/plain',
      )
    return undefined
  }

  const answerRequest = async (req: IncomingMessage, raw: Buffer): Promise<HttpReply> => {
    if (raw.length > maxRequestBytes) {
      const err = new NeonRequestError(`request is too large (max is ${maxRequestBytes} bytes)`)
      return reply(413, JSON.stringify(errorBody(err)), 'application/json')
    }
    try {
      let body: unknown
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch (err) {
        throw new NeonRequestError(`could not parse the HTTP request body: ${(err as Error).message}`)
      }
      const [text, echoed] = await answer(req, body)
      return reply(200, text, 'application/json', echoed)
    } catch (err) {
      const failed = errorReply(err)
      if (failed === undefined) throw err
      return reply(failed[0], failed[1], 'application/json')
    }
  }

  const gate = new RequestGate<NeonHttpFault, HttpReply>({
    effects: {
      network: 'cut',
      'http-500': { refuse: () => reply(500, 'Internal server error (injected fault)', 'text/plain') },
      'drop-after-query': 'drop-reply',
      stall: 'stall',
    },
  })
  const http = await startHttpServer({
    port: options.port,
    gate,
    uncounted,
    answer: answerRequest,
    failed: (err) =>
      reply(
        500,
        JSON.stringify(
          errorBody(new Error(), `Internal server error: ${(err as Error)?.message ?? String(err)}`),
        ),
        'application/json',
      ),
    afterClose: async () => {
      const all = [...pools.values()]
      pools.clear()
      await Promise.allSettled(all.map((p) => p.end()))
    },
  })
  const port = http.port

  return {
    url: `http://127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}/sql`,
    port,
    get requests() {
      return gate.count
    },
    resetCount: () => gate.resetCount(),
    injectFault: (kind: NeonHttpFault, times = 1, after = 0) => gate.inject(kind, times, after),
    close: http.close,
  }
}
