/**
 * A Hrana 2 over HTTP server in front of a libSQL database file, faithful to what
 * `@libsql/client`'s http transport sends and expects. One SQLite connection per baton stream
 * (a transaction spans requests), baton rotation and expiry, request counting (version probes
 * excluded) and fault injection. Node only.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { listenOnLoopback } from '../listen.js'
import {
  Connection,
  describe,
  executeBatch,
  executeSequence,
  executeStmt,
  sqlOf,
  toHranaError,
} from './execute.js'
import {
  HranaProtocolError,
  type HranaRequest,
  type HranaResponse,
  type HranaStreamResult,
  type PipelineRequestBody,
  type PipelineResponseBody,
} from './protocol.js'

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
}

const probePaths = new Set(['/v2', '/v3', '/v3-protobuf', '/health', '/version'])

/** Starts a Hrana-over-HTTP server on a free loopback port. */
export async function startHranaServer(options: HranaServerOptions = {}): Promise<HranaServer> {
  const tempDir = options.file === undefined ? mkdtempSync(join(tmpdir(), 'hrana-')) : undefined
  const file = options.file ?? join(tempDir as string, 'db.sqlite')
  const streamTimeoutMs = options.streamTimeoutMs ?? 10_000
  const streams = new Map<string, Stream>()
  const expired = new Set<string>()
  const idle: Connection[] = []
  let requests = 0
  let faults: (HranaFault | undefined)[] = []

  const first = new Database(file)
  first.exec('PRAGMA journal_mode=WAL')
  idle.push(new Connection(first))

  const acquire = (): Connection => idle.pop() ?? new Connection(new Database(file))
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

  const runRequest = (stream: Stream, req: HranaRequest): HranaResponse => {
    switch (req.type) {
      case 'execute':
        return { type: 'execute', result: executeStmt(stream.conn, req.stmt, stream.sqls) }
      case 'batch':
        return { type: 'batch', result: executeBatch(stream.conn, req.batch, stream.sqls) }
      case 'sequence':
        executeSequence(stream.conn, sqlOf(req, stream.sqls))
        return { type: 'sequence' }
      case 'describe':
        return { type: 'describe', result: describe(stream.conn, sqlOf(req, stream.sqls)) }
      case 'store_sql':
        if (stream.sqls.has(req.sql_id))
          throw new HranaProtocolError(400, `SQL text ${req.sql_id} is already stored`, 'SQL_ID_TAKEN')
        stream.sqls.set(req.sql_id, req.sql)
        return { type: 'store_sql' }
      case 'close_sql':
        stream.sqls.delete(req.sql_id)
        return { type: 'close_sql' }
      case 'get_autocommit':
        return { type: 'get_autocommit', is_autocommit: !stream.conn.inTransaction }
      case 'close':
        return { type: 'close' }
      default:
        throw new HranaProtocolError(
          400,
          `Unknown request type ${JSON.stringify((req as { type: unknown }).type)}`,
          'PROTO_ERROR',
        )
    }
  }

  const pipeline = (body: PipelineRequestBody): PipelineResponseBody => {
    if (body === null || typeof body !== 'object' || !Array.isArray(body.requests))
      throw new HranaProtocolError(400, 'The body must be {baton, requests: [...]}', 'PROTO_ERROR')
    let stream: Stream
    if (body.baton != null) {
      const found = streams.get(body.baton)
      if (found === undefined) {
        throw expired.has(body.baton)
          ? new HranaProtocolError(400, 'The stream has expired due to inactivity', 'STREAM_EXPIRED')
          : new HranaProtocolError(400, 'The baton is invalid (unknown, reused or closed)', 'BATON_INVALID')
      }
      stream = found
      streams.delete(found.baton)
      if (stream.timer !== undefined) clearTimeout(stream.timer)
    } else {
      stream = { conn: acquire(), sqls: new Map(), baton: '', timer: undefined }
    }
    let closed = false
    const results: HranaStreamResult[] = []
    for (const req of body.requests) {
      if (closed) {
        results.push({ type: 'error', error: { message: 'The stream is closed', code: 'STREAM_CLOSED' } })
        continue
      }
      try {
        results.push({ type: 'ok', response: runRequest(stream, req) })
      } catch (err) {
        results.push({ type: 'error', error: toHranaError(err) })
      }
      if (req.type === 'close') closed = true
    }
    if (closed) {
      endStream(stream, false)
      return { baton: null, base_url: null, results }
    }
    stream.baton = randomBytes(18).toString('base64url')
    streams.set(stream.baton, stream)
    armTimer(stream)
    return { baton: stream.baton, base_url: null, results }
  }

  const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
    const text = JSON.stringify(value)
    // exactly `application/json`: the client only reads error bodies with this content type
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/'
    if (req.method === 'GET' && probePaths.has(path)) {
      req.resume()
      // hrana-client probes `GET /v3-protobuf` (and `/v3`) for protocol 3; answering 404 makes it use v2
      res.writeHead(path === '/v2' || path === '/health' ? 200 : 404, { 'content-type': 'text/plain' })
      res.end(path === '/v2' || path === '/health' ? 'ok' : 'not found')
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
    if (fault === 'http-500') {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end('Internal server error (injected fault)')
      return
    }
    if (fault === 'stall') return
    if (options.authToken !== undefined && req.headers.authorization !== `Bearer ${options.authToken}`) {
      sendJson(res, 401, { message: 'Authentication failed: missing or wrong token', code: 'UNAUTHORIZED' })
      return
    }
    if (req.method !== 'POST' || path !== '/v2/pipeline') {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end(`Not found: ${req.method} ${path} (this server speaks Hrana 2 over HTTP: POST /v2/pipeline)`)
      return
    }
    let body: PipelineRequestBody
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PipelineRequestBody
    } catch {
      sendJson(res, 400, { message: 'The body is not valid JSON', code: 'PROTO_ERROR' })
      return
    }
    try {
      const reply = pipeline(body)
      if (fault === 'drop-after-query') req.socket.destroy()
      else sendJson(res, 200, reply)
    } catch (err) {
      if (err instanceof HranaProtocolError)
        sendJson(res, err.status, { message: err.message, code: err.code })
      else sendJson(res, 500, toHranaError(err))
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, toHranaError(err))
      else res.destroy()
    })
  })
  const port = await listenOnLoopback(server, options.port)
  let closing: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    file,
    get requests() {
      return requests
    },
    get openStreams() {
      return streams.size
    },
    resetCount() {
      requests = 0
    },
    injectFault(kind: HranaFault, times = 1, after = 0) {
      if (kind === 'expire-streams') {
        for (const s of [...streams.values()]) endStream(s, true)
        return
      }
      for (let i = 0; i < after; i++) faults.push(undefined)
      for (let i = 0; i < times; i++) faults.push(kind)
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        faults = []
        for (const s of [...streams.values()]) endStream(s, false)
        server.close(() => {
          for (const c of idle.splice(0)) c.close()
          if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
          resolve()
        })
        server.closeAllConnections()
      })
      return closing
    },
  }
}
