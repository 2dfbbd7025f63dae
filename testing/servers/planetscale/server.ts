/**
 * A PlanetScale HTTP API server in front of MariaDB/MySQL, faithful to what
 * `@planetscale/database` sends and expects: `POST /psdb.v1alpha1.Database/Execute` and
 * `/CreateSession` with Basic auth, protojson replies (zero values omitted, int64 as strings),
 * SQL errors as HTTP 200 with `error`. A session that opens a transaction (or sets session
 * state) is pinned to one MySQL connection until the transaction ends; everything else runs on
 * any pooled connection. Request counting and fault injection. Node only.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import mysql2, { type FieldPacket, type PoolConnection, type ResultSetHeader } from 'mysql2/promise'
import { type HttpReply, startHttpServer } from '../harness/http-server.js'
import { RequestGate } from '../harness/request-gate.js'
import {
  type ExecuteRequest,
  type PsError,
  type PsResult,
  statementKind,
  toField,
  toPsError,
  toRows,
} from './protocol.js'

/** Options of {@link startPlanetScaleServer}. */
export interface PlanetScaleServerOptions {
  /** The database statements run in (`USE`); none when omitted. */
  readonly database?: string
  /** Basic-auth user name the server accepts (default `edgealchemy`). */
  readonly username?: string
  /** Basic-auth password the server accepts (default: random, `pscale_pw_...`). */
  readonly password?: string
  /** The MySQL/MariaDB server behind (default 127.0.0.1:3306, root, empty password). */
  readonly mysql?: {
    readonly host?: string
    readonly port?: number
    readonly user?: string
    readonly password?: string
  }
  /** Idle time after which a pinned session's transaction rolls back (default 20 s, as vttablet). */
  readonly sessionTimeoutMs?: number
  /** Pooled MySQL connections (default 32, pinned sessions included). */
  readonly poolSize?: number
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number
}

/**
 * A fault for the next counted request(s):
 * - `network`: the connection is destroyed without an answer (the driver sees a fetch failure);
 * - `http-500`: HTTP 500 with a plain-text body (the driver throws `UnknownError`);
 * - `http-503`: HTTP 503 with a JSON body without `error`;
 * - `drop-after-query`: the statement runs (a COMMIT commits), then the connection is destroyed unanswered;
 * - `stall`: the request is never answered; nothing runs;
 * - `end-sessions`: every pinned session ends now (its transaction rolls back), so the next
 *   statement of that session fails with `code = Aborted`.
 */
export type PlanetScaleFault =
  | 'network'
  | 'http-500'
  | 'http-503'
  | 'drop-after-query'
  | 'stall'
  | 'end-sessions'

/** A running server. */
export interface PlanetScaleServer {
  /** `http://user:password@127.0.0.1:PORT`, for `connect({ url })`. */
  readonly url: string
  readonly port: number
  readonly username: string
  readonly password: string
  /** HTTP requests answered (round trips), `Execute` and `CreateSession`. */
  readonly requests: number
  /** Sessions holding a MySQL connection now. */
  readonly pinnedSessions: number
  /** MySQL connection ids (`CONNECTION_ID()`) each statement ran on, in order; for tests. */
  readonly connectionLog: readonly number[]
  resetCount(): void
  /** Makes the next `times` counted requests fail with `kind` (`end-sessions` acts at once). */
  injectFault(kind: PlanetScaleFault, times?: number, after?: number): void
  close(): Promise<void>
}

/** What the signed `vitessSession` carries. */
interface SessionState {
  readonly sessionUUID: string
  readonly inTransaction?: boolean
  readonly reserved?: boolean
}

interface Pinned {
  readonly id: string
  readonly conn: PoolConnection
  readonly threadId: number
  inTransaction: boolean
  /** `SET TRANSACTION ...` is waiting for the next transaction. */
  pendingTransaction: boolean
  /** Session variables were set: the connection never goes back to the pool. */
  reserved: boolean
  timer: NodeJS.Timeout | undefined
  /** Statements of one session run one at a time. */
  tail: Promise<unknown>
}

class PsFailure extends Error {
  constructor(readonly error: PsError) {
    super(error.message)
  }
}

const executePath = '/psdb.v1alpha1.Database/Execute'
const createSessionPath = '/psdb.v1alpha1.Database/CreateSession'

/** Starts a PlanetScale HTTP API server on a free loopback port. */
export async function startPlanetScaleServer(
  options: PlanetScaleServerOptions = {},
): Promise<PlanetScaleServer> {
  const username = options.username ?? 'edgealchemy'
  const password = options.password ?? `pscale_pw_${randomBytes(16).toString('hex')}`
  // the driver sends the URL's user name and password as they are written (percent-encoded)
  const accepted = [
    `${username}:${password}`,
    `${encodeURIComponent(username)}:${encodeURIComponent(password)}`,
  ].map((pair) => Buffer.from(`Basic ${Buffer.from(pair).toString('base64')}`))
  const secret = randomBytes(32)
  const database = options.database
  const timeoutMs = options.sessionTimeoutMs ?? 20_000
  const pool = mysql2.createPool({
    host: options.mysql?.host ?? '127.0.0.1',
    port: options.mysql?.port ?? 3306,
    user: options.mysql?.user ?? 'root',
    password: options.mysql?.password ?? '',
    ...(database === undefined ? {} : { database }),
    connectionLimit: options.poolSize ?? 32,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    // vtgate reports changed rows, not matched rows, as rowsAffected
    flags: ['-FOUND_ROWS'],
    // mysql2's generated row parsers refuse column names such as `__proto__`, which Vitess returns fine
    disableEval: true,
  })
  // PlanetScale runs in UTC; so does this server, whatever the host's MySQL time zone is.
  pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'")
  })
  const sessions = new Map<string, Pinned>()
  const connectionLog: number[] = []

  const sign = (state: SessionState) => {
    const text = JSON.stringify(state)
    return {
      signature: createHmac('sha256', secret).update(text).digest('base64'),
      vitessSession: state,
    }
  }
  /** The session's state when its signature is ours; `null` for none; throws on a forged one. */
  const verify = (session: unknown): SessionState | null => {
    if (session === null || session === undefined) return null
    const s = session as { signature?: unknown; vitessSession?: unknown }
    const state = s.vitessSession as SessionState | undefined
    if (typeof s.signature === 'string' && state !== undefined && typeof state.sessionUUID === 'string') {
      const expected = createHmac('sha256', secret).update(JSON.stringify(state)).digest()
      const given = Buffer.from(s.signature, 'base64')
      if (given.length === expected.length && timingSafeEqual(given, expected)) return state
    }
    throw new PsFailure({ message: 'invalid session: signature mismatch', code: 'PERMISSION_DENIED' })
  }
  const stateOf = (id: string): SessionState => {
    const p = sessions.get(id)
    if (p === undefined) return { sessionUUID: id }
    return {
      sessionUUID: id,
      ...(p.inTransaction ? { inTransaction: true } : {}),
      ...(p.reserved || p.pendingTransaction ? { reserved: true } : {}),
    }
  }

  const threadIdOf = (conn: PoolConnection): number => {
    const c = conn as unknown as { threadId?: number; connection?: { threadId?: number } }
    return c.threadId ?? c.connection?.threadId ?? 0
  }

  const unpin = (p: Pinned, rollback: boolean): void => {
    if (p.timer !== undefined) clearTimeout(p.timer)
    sessions.delete(p.id)
    if (p.reserved) {
      p.conn.destroy()
      return
    }
    if (rollback || p.inTransaction || p.pendingTransaction)
      p.conn.query('ROLLBACK').then(
        () => p.conn.release(),
        () => p.conn.destroy(),
      )
    else p.conn.release()
  }
  const arm = (p: Pinned): void => {
    if (p.timer !== undefined) clearTimeout(p.timer)
    p.timer = setTimeout(() => unpin(p, true), timeoutMs)
    p.timer.unref()
  }
  const pin = async (id: string): Promise<Pinned> => {
    const conn = await pool.getConnection()
    const p: Pinned = {
      id,
      conn,
      threadId: threadIdOf(conn),
      inTransaction: false,
      pendingTransaction: false,
      reserved: false,
      timer: undefined,
      tail: Promise.resolve(),
    }
    sessions.set(id, p)
    return p
  }

  /** Runs one statement on `conn`; raw text-protocol values (Buffers). */
  const run = async (conn: PoolConnection, sql: string): Promise<PsResult> => {
    connectionLog.push(threadIdOf(conn))
    if (connectionLog.length > 10_000) connectionLog.splice(0, 5_000)
    const [rows, fields] = (await conn.query({ sql, rowsAsArray: true, typeCast: false })) as unknown as [
      unknown,
      FieldPacket[] | undefined,
    ]
    if (Array.isArray(fields) && Array.isArray(rows)) {
      const out: PsResult = { fields: fields.map(toField) }
      if (rows.length > 0) out.rows = toRows(rows as (Buffer | null)[][])
      return out
    }
    const header = rows as ResultSetHeader
    const out: PsResult = {}
    if (header.affectedRows) out.rowsAffected = String(header.affectedRows)
    if (header.insertId && String(header.insertId) !== '0') out.insertId = String(header.insertId)
    return out
  }

  const execute = async (body: ExecuteRequest) => {
    const incoming = verify(body.session)
    const id = incoming?.sessionUUID ?? randomBytes(12).toString('hex')
    let pinned = sessions.get(id)
    if (pinned === undefined && incoming !== null && (incoming.inTransaction || incoming.reserved)) {
      // the session's connection is gone (timeout, fault): its transaction was rolled back
      return {
        session: sign({ sessionUUID: randomBytes(12).toString('hex') }),
        error: {
          message: `target: ${database ?? ''}.-.primary: vttablet: rpc error: code = Aborted desc = transaction ${id}: ended (the session's transaction was rolled back: timeout or closed connection)`,
          code: 'ABORTED',
        },
      }
    }
    if (typeof body.query !== 'string' || body.query.trim() === '')
      return {
        session: sign(stateOf(id)),
        error: { message: 'query: empty query', code: 'INVALID_ARGUMENT' },
      }
    const sql = body.query
    const kind = statementKind(sql)
    if (pinned === undefined && (kind === 'begin' || kind === 'set' || kind === 'set-transaction'))
      pinned = await pin(id)
    const started = performance.now()
    let result: PsResult | undefined
    let error: PsError | undefined
    if (pinned !== undefined) {
      const p = pinned
      if (p.timer !== undefined) clearTimeout(p.timer)
      const step = p.tail.then(() => run(p.conn, sql))
      p.tail = step.catch(() => undefined)
      try {
        result = await step
        if (kind === 'begin') {
          p.inTransaction = true
          p.pendingTransaction = false
        } else if (kind === 'commit' || kind === 'rollback') {
          p.inTransaction = false
          p.pendingTransaction = false
        } else if (kind === 'set-transaction') p.pendingTransaction = true
        else if (kind === 'set') p.reserved = true
      } catch (err) {
        error = toPsError(err, database)
        if ((err as { fatal?: boolean }).fatal) {
          // the connection is gone, and the transaction with it
          p.reserved = true
          unpin(p, true)
        }
      }
      if (!sessions.has(id)) {
        // ended above
      } else if (!p.inTransaction && !p.pendingTransaction && !p.reserved) unpin(p, false)
      else arm(p)
    } else {
      let conn: PoolConnection | undefined
      try {
        conn = await pool.getConnection()
        result = await run(conn, sql)
      } catch (err) {
        error = toPsError(err, database)
      } finally {
        conn?.release()
      }
    }
    const timing = (performance.now() - started) / 1000
    const session = sign(stateOf(id))
    return error === undefined ? { session, result, timing } : { session, error }
  }

  const json = (status: number, value: unknown): HttpReply => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  })

  const answer = async (req: IncomingMessage, raw: Buffer): Promise<HttpReply> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (req.method !== 'POST' || (path !== executePath && path !== createSessionPath))
      return json(404, { code: 'not_found', message: `Not found: ${req.method} ${path}` })
    const auth = Buffer.from(req.headers.authorization ?? '')
    const authOk = accepted.some((a) => a.length === auth.length && timingSafeEqual(a, auth))
    if (!authOk) return json(401, { code: 'unauthenticated', message: 'invalid credentials' })
    let body: ExecuteRequest
    try {
      const text = raw.toString('utf8')
      body = (text === '' ? {} : JSON.parse(text)) as ExecuteRequest
    } catch {
      return json(400, { code: 'invalid_argument', message: 'the body is not valid JSON' })
    }
    try {
      if (path === createSessionPath)
        return json(200, {
          branch: database ?? '',
          user: { username, role: 'admin' },
          session: sign({ sessionUUID: randomBytes(12).toString('hex') }),
        })
      return json(200, await execute(body))
    } catch (err) {
      if (err instanceof PsFailure) return json(200, { error: err.error })
      return json(500, { code: 'internal', message: String((err as Error)?.message ?? err) })
    }
  }

  const gate = new RequestGate<PlanetScaleFault, HttpReply>({
    effects: {
      network: 'cut',
      'http-500': {
        refuse: () => ({
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: 'Internal server error (injected fault)',
        }),
      },
      'http-503': {
        refuse: () => json(503, { code: 'unavailable', message: 'upstream unavailable (injected fault)' }),
      },
      'drop-after-query': 'drop-reply',
      stall: 'stall',
    },
    now: {
      'end-sessions': () => {
        for (const p of [...sessions.values()]) unpin(p, true)
      },
    },
  })
  const http = await startHttpServer({
    port: options.port,
    gate,
    answer,
    failed: () => json(500, { code: 'internal', message: 'internal error' }),
    beforeClose: () => {
      for (const p of [...sessions.values()]) {
        if (p.timer !== undefined) clearTimeout(p.timer)
        sessions.delete(p.id)
        p.conn.destroy()
      }
    },
    afterClose: () => pool.end().catch(() => undefined),
  })
  const port = http.port

  return {
    url: `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    port,
    username,
    password,
    get requests() {
      return gate.count
    },
    get pinnedSessions() {
      return sessions.size
    },
    connectionLog,
    resetCount: () => gate.resetCount(),
    injectFault: (kind: PlanetScaleFault, times = 1, after = 0) => gate.inject(kind, times, after),
    close: http.close,
  }
}
