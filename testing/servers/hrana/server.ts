/**
 * A Hrana 2 over HTTP server in front of a libSQL database file, faithful to what
 * `@libsql/client`'s http transport sends and to what libsql-server (sqld, Turso) answers. One
 * SQLite connection per baton stream (a transaction spans requests), baton rotation and expiry,
 * request counting (version probes excluded) and fault injection. Node only.
 *
 * As strict as sqld (read from `libsql-server/src/hrana/`, `query_analysis.rs`):
 * - `execute` and each `batch` step take exactly one statement: `SQL_MANY_STATEMENTS`,
 *   `SQL_NO_STATEMENT`, `SQL_PARSE_ERROR` (syntax, or a statement sqld does not support: temporary
 *   tables/views/triggers, VACUUM, ANALYZE, PRAGMAs outside its list); one bad step fails the whole
 *   batch before any step runs. `sequence` (`executeMultiple`) takes many statements.
 * - SQLite errors carry the primary code as rusqlite names it (`SQLITE_CONSTRAINT`; plain
 *   SQLITE_ERROR is `SQLITE_UNKNOWN`), the message prefixed `SQLite error: `; compile errors
 *   SQLite locates are `SQL_INPUT_ERROR`; arguments are checked (`ARGS_INVALID`).
 * - Protocol errors (unknown `sql_id`, bad or reused baton, Hrana 3 requests such as
 *   `get_autocommit`, a request after `close`) fail the HTTP request with 400 text/plain and drop
 *   the stream; an expired stream is HTTP 500 `STREAM_EXPIRED`; at most 50 stored SQL texts of
 *   5000 bytes per stream; `affected_row_count` only for INSERT/UPDATE/DELETE and
 *   `last_insert_rowid` only for INSERT; a statement's result over 10 MB is `RESPONSE_TOO_LARGE`.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { type HttpReply, startHttpServer } from '../harness/http-server.js'
import { RequestGate } from '../harness/request-gate.js'
import { ProtocolError, StatementError, StreamExpiredError } from './errors.js'
import {
  Connection,
  describe,
  executeBatch,
  executeSequence,
  executeStmt,
  sqlOf,
  toHranaError,
} from './execute.js'
import type {
  HranaRequest,
  HranaResponse,
  HranaStreamResult,
  PipelineRequestBody,
  PipelineResponseBody,
} from './protocol.js'
import { pipelineWrites, WriteQueue } from './write-queue.js'

/** Options of {@link startHranaServer}. */
export interface HranaServerOptions {
  /** The database file; a fresh temporary file (removed on close) when omitted. */
  readonly file?: string
  /** When set, requests must carry `Authorization: Bearer <authToken>`. */
  readonly authToken?: string
  /** Idle time after which a baton stream expires and its transaction rolls back (default 10 s, as sqld). */
  readonly streamTimeoutMs?: number
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number
  /** Largest result of one statement (default 10 MB, sqld's): a larger one is `RESPONSE_TOO_LARGE`. */
  readonly maxResponseBytes?: number
}

/**
 * A fault for the next counted request(s):
 * - `network`: the connection is destroyed without an answer (the client sees a fetch failure);
 * - `http-500`: HTTP 500 with a plain-text body;
 * - `drop-after-query`: the pipeline runs (and commits), then the connection is destroyed unanswered;
 * - `stall`: the request is never answered; nothing runs;
 * - `expire-streams`: every open stream expires now (its transaction rolls back), so the next
 *   request on a baton gets `STREAM_EXPIRED`.
 */
export type HranaFault = 'network' | 'http-500' | 'drop-after-query' | 'stall' | 'expire-streams'

/** A running server. */
export interface HranaServer {
  /** `http://127.0.0.1:PORT`, for `createClient({ url })`. */
  readonly url: string
  readonly port: number
  /** The database file behind the server. */
  readonly file: string
  /** HTTP requests answered (round trips); version probes are not counted. */
  readonly requests: number
  /** Baton streams open now. */
  readonly openStreams: number
  resetCount(): void
  /** Makes the next `times` counted requests fail with `kind` (`expire-streams` acts at once). */
  injectFault(kind: HranaFault, times?: number, after?: number): void
  close(): Promise<void>
}

interface Stream {
  readonly conn: Connection
  readonly sqls: Map<number, string>
  baton: string
  timer: NodeJS.Timeout | undefined
  /** A `close` request ran: later requests that need the database are protocol errors. */
  closed: boolean
}

/** sqld stores at most 50 SQL texts per stream, each at most 5000 bytes (`hrana/http/request.rs`). */
const maxStoredSql = 50
const maxStoredSqlBytes = 5000

const probePaths = new Set(['/v2', '/v3', '/v3-protobuf', '/health', '/version'])

/** Starts a Hrana-over-HTTP server on a free loopback port. */
export async function startHranaServer(options: HranaServerOptions = {}): Promise<HranaServer> {
  const tempDir = options.file === undefined ? mkdtempSync(join(tmpdir(), 'hrana-')) : undefined
  const file = options.file ?? join(tempDir as string, 'db.sqlite')
  const streamTimeoutMs = options.streamTimeoutMs ?? 10_000
  const streams = new Map<string, Stream>()
  const expired = new Set<string>()
  /** Batons already spent, by the stream that issued them (to tell a reused baton from a bad one). */
  const spent = new Map<string, Stream>()
  const idle: Connection[] = []

  const first = new Database(file)
  first.exec('PRAGMA journal_mode=WAL')
  const maxResponseBytes = options.maxResponseBytes ?? 10_000_000
  idle.push(new Connection(first, maxResponseBytes))

  const acquire = (): Connection => idle.pop() ?? new Connection(new Database(file), maxResponseBytes)
  const release = (conn: Connection): void => {
    try {
      if (conn.inTransaction) conn.db.exec('ROLLBACK')
    } catch {
      conn.close()
      return
    }
    if (idle.length < 4) idle.push(conn)
    else conn.close()
  }
  const endStream = (stream: Stream, wasExpired: boolean): void => {
    writers.release(stream)
    if (stream.timer !== undefined) clearTimeout(stream.timer)
    streams.delete(stream.baton)
    if (wasExpired) {
      if (expired.size > 1000) expired.clear()
      expired.add(stream.baton)
    }
    release(stream.conn)
  }
  const armTimer = (stream: Stream): void => {
    if (stream.timer !== undefined) clearTimeout(stream.timer)
    stream.timer = setTimeout(() => endStream(stream, true), streamTimeoutMs)
    stream.timer.unref()
  }

  /** A request that needs the stream's database, after `close` in the same pipeline: a protocol error. */
  const needsDb = new Set(['execute', 'batch', 'sequence', 'describe', 'get_autocommit'])

  const runRequest = (stream: Stream, req: HranaRequest): HranaResponse => {
    if (stream.closed && needsDb.has(req?.type)) throw new ProtocolError('Stream for this baton was closed')
    switch (req?.type) {
      case 'execute':
        return { type: 'execute', result: executeStmt(stream.conn, req.stmt, stream.sqls) }
      case 'batch':
        return { type: 'batch', result: executeBatch(stream.conn, req.batch, stream.sqls) }
      case 'sequence':
        executeSequence(stream.conn, sqlOf(req, stream.sqls))
        return { type: 'sequence' }
      case 'describe':
        return { type: 'describe', result: describe(stream.conn, sqlOf(req, stream.sqls)) }
      case 'store_sql': {
        if (stream.sqls.has(req.sql_id)) throw new ProtocolError(`SQL text ${req.sql_id} already exists`)
        if (stream.sqls.size >= maxStoredSql)
          throw new StatementError(
            'SQL_STORE_TOO_MANY',
            `The server already stores ${stream.sqls.size} SQL texts, it cannot store more`,
          )
        const size = Buffer.byteLength(req.sql ?? '')
        if (size > maxStoredSqlBytes)
          throw new StatementError(
            'SQL_STORE_TOO_LARGE',
            `The statement is too large to be stored: ${size} B/${maxStoredSqlBytes} B`,
          )
        stream.sqls.set(req.sql_id, req.sql)
        return { type: 'store_sql' }
      }
      case 'close_sql':
        stream.sqls.delete(req.sql_id)
        return { type: 'close_sql' }
      case 'get_autocommit':
        // Hrana 3 only; @libsql/client speaks Hrana 2 over HTTP
        throw new ProtocolError(
          'The `get_autocommit` request is only supported in protocol version hrana3 and higher',
        )
      case 'close':
        stream.closed = true
        return { type: 'close' }
      default:
        throw new ProtocolError('Cannot deserialize client message from JSON: unknown request type')
    }
  }

  /** The stream a baton names (a new one without a baton); the baton is spent either way. */
  const acquireStream = (baton: string | null | undefined): Stream => {
    if (baton == null) return { conn: acquire(), sqls: new Map(), baton: '', timer: undefined, closed: false }
    const found = streams.get(baton)
    if (found === undefined) {
      if (expired.has(baton)) throw new StreamExpiredError()
      const holder = spent.get(baton)
      if (holder !== undefined && streams.get(holder.baton) === holder)
        throw new ProtocolError('Received a baton that has already been used')
      throw new ProtocolError('Received an invalid baton')
    }
    streams.delete(found.baton)
    if (spent.size > 10_000) spent.clear()
    spent.set(found.baton, found)
    if (found.timer !== undefined) clearTimeout(found.timer)
    return found
  }

  const pipeline = (body: PipelineRequestBody): PipelineResponseBody => {
    if (body === null || typeof body !== 'object' || !Array.isArray(body.requests))
      throw new ProtocolError('Cannot deserialize client message from JSON: missing field `requests`')
    const stream = acquireStream(body.baton)
    const results: HranaStreamResult[] = []
    for (const req of body.requests) {
      try {
        results.push({ type: 'ok', response: runRequest(stream, req) })
      } catch (err) {
        if (!(err instanceof StatementError)) {
          // a protocol error fails the whole HTTP request and drops the stream (sqld's guard is
          // never released): its transaction rolls back
          endStream(stream, false)
          throw err
        }
        results.push({ type: 'error', error: toHranaError(err) })
      }
    }
    if (stream.closed) {
      endStream(stream, false)
      return { baton: null, base_url: null, results }
    }
    stream.baton = randomBytes(48).toString('base64')
    streams.set(stream.baton, stream)
    armTimer(stream)
    return { baton: stream.baton, base_url: null, results }
  }

  /** sqld's write queue (write-queue.ts): a pipeline that writes waits for the write lock. */
  const writers = new WriteQueue<object>((holder) => endStream(holder as Stream, true))
  const pipelineInTurn = async (body: PipelineRequestBody): Promise<PipelineResponseBody> => {
    const before = body?.baton == null ? undefined : streams.get(body.baton)
    const key: object = before ?? {}
    if (Array.isArray(body?.requests) && pipelineWrites(body.requests, before?.sqls)) {
      // a stream with a request in flight does not expire while it waits
      if (before?.timer !== undefined) clearTimeout(before.timer)
      await writers.take(key)
    }
    let after: Stream | undefined
    try {
      const reply = pipeline(body)
      after = reply.baton == null ? undefined : streams.get(reply.baton)
      return reply
    } finally {
      // the lock stays with a stream whose transaction is open, until that transaction ends
      if (after?.conn.inTransaction === true) writers.transfer(key, after)
      else writers.release(key)
    }
  }

  // exactly `application/json`: the client only reads error bodies with this content type
  const json = (status: number, value: unknown): HttpReply => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  })
  const plain = (status: number, text: string): HttpReply => ({
    status,
    headers: { 'content-type': 'text/plain' },
    body: text,
  })
  const pathOf = (req: IncomingMessage): string =>
    new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/'

  /** Version probes: neither counted nor faulted. */
  const probe = (req: IncomingMessage): HttpReply | undefined => {
    const path = pathOf(req)
    if (req.method !== 'GET' || !probePaths.has(path)) return undefined
    // @libsql/client speaks Hrana 2 over HTTP and does not probe; a Hrana 3 client probing
    // `GET /v3-protobuf` or `/v3` gets 404 and falls back to v2 (this server has no v3)
    const ok = path === '/v2' || path === '/health'
    return plain(
      ok ? 200 : 404,
      path === '/v2' ? 'Hello, this is HTTP API v2 (Hrana over HTTP)' : ok ? 'ok' : 'not found',
    )
  }

  const answer = async (req: IncomingMessage, raw: Buffer): Promise<HttpReply> => {
    const path = pathOf(req)
    if (options.authToken !== undefined && req.headers.authorization !== `Bearer ${options.authToken}`) {
      // sqld: `{"error": "Unauthorized: `...`"}` (no `message`: the client reports HTTP 401)
      const why =
        req.headers.authorization === undefined
          ? 'Authentication is required but no JWT was specified'
          : 'The JWT is invalid'
      return json(401, { error: `Unauthorized: \`${why}\`` })
    }
    if (req.method !== 'POST' || path !== '/v2/pipeline')
      return plain(
        404,
        `Not found: ${req.method} ${path} (this server speaks Hrana 2 over HTTP: POST /v2/pipeline)`,
      )
    let body: PipelineRequestBody
    try {
      body = JSON.parse(raw.toString('utf8')) as PipelineRequestBody
    } catch (err) {
      return plain(400, `Cannot deserialize client message from JSON: ${(err as Error).message}`)
    }
    try {
      return json(200, await pipelineInTurn(body))
    } catch (err) {
      if (err instanceof StreamExpiredError) return json(500, { message: err.message, code: err.code })
      if (err instanceof ProtocolError) return plain(err.status, err.message)
      throw err
    }
  }

  const gate = new RequestGate<HranaFault, HttpReply>({
    effects: {
      network: 'cut',
      'http-500': { refuse: () => plain(500, 'Internal server error (injected fault)') },
      'drop-after-query': 'drop-reply',
      stall: 'stall',
    },
    now: {
      'expire-streams': () => {
        for (const s of [...streams.values()]) endStream(s, true)
      },
    },
  })
  const http = await startHttpServer({
    port: options.port,
    gate,
    uncounted: probe,
    answer,
    failed: (err) => plain(500, `Internal Error: \`${(err as Error)?.message ?? String(err)}\``),
    beforeClose: () => {
      for (const s of [...streams.values()]) endStream(s, false)
    },
    afterClose: async () => {
      for (const c of idle.splice(0)) c.close()
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
    },
  })
  const port = http.port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    file,
    get requests() {
      return gate.count
    },
    get openStreams() {
      return streams.size
    },
    resetCount: () => gate.resetCount(),
    injectFault: (kind: HranaFault, times = 1, after = 0) => gate.inject(kind, times, after),
    close: http.close,
  }
}
