/**
 * The neon (WebSocket) adapter over a connection source: autocommit statements on a pooled
 * connection, batches as BEGIN + each + COMMIT on one connection, interactive transactions
 * holding one connection, cursors (DECLARE / FETCH / CLOSE) for streaming. Web-standard only.
 * @module
 */

import { abortable } from '../../core/engine/abortable.js'
import type {
  AdapterCapabilities,
  AdapterTransaction,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { ArgumentError, InterfaceError } from '../../core/errors.js'
import { isTransportError, toError } from './errors.js'
import type { ConnectionSource } from './pool.js'

/** What the neon WebSocket adapter can do. */
export const neonCapabilities: AdapterCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  batchRoundTrips: 'per-statement',
  savepoints: true,
  maxParams: 65534,
  streaming: 'cursor',
})

/** The part of a driver `Client` / `PoolClient` the adapter uses. */
export interface NeonConnection {
  query(config: {
    text: string
    values?: unknown[]
    rowMode: 'array'
    types: { getTypeParser: () => (value: string) => unknown }
  }): Promise<unknown>
  on(event: 'error' | 'end', listener: (err?: unknown) => void): unknown
}

interface DriverField {
  readonly name: string
  readonly dataTypeID: number
}
interface DriverResult {
  readonly fields?: readonly DriverField[]
  readonly rows?: unknown[][]
  readonly rowCount?: number | null
  readonly command?: string
}

/** Every value stays PostgreSQL text output; the dialect decodes by declared type. */
const keepText = (value: string): unknown => value
const rawTypes = { getTypeParser: () => keepText }

/** Connections whose socket failed while idle or between statements. */
const failed = new WeakSet<object>()
const watched = new WeakSet<object>()
const markFailed = (conn: NeonConnection) => () => {
  failed.add(conn)
}

/** True once the connection's socket failed. */
export function hasFailed(conn: object): boolean {
  return failed.has(conn)
}

/**
 * Marks the connection when its socket fails or closes; a failure outside a query (an idle
 * socket dropped) is then no unhandled `error` event.
 */
export function watch(conn: NeonConnection): void {
  if (watched.has(conn)) return
  watched.add(conn)
  const mark = markFailed(conn)
  conn.on('error', mark)
  conn.on('end', mark)
}

function toValues(params: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(params.length)
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    out[i] = v === undefined ? null : typeof v === 'bigint' ? v.toString() : v
  }
  return out
}

/** A driver result in array mode: column names, OIDs, text values. */
export function toRawResult(result: unknown): RawResult {
  // several statements in one simple query give one result each; the last one counts
  const r = (Array.isArray(result) ? result[result.length - 1] : result) as DriverResult | undefined
  const fields = r?.fields ?? []
  const count = r?.rowCount
  return {
    columns: fields.map((f) => f.name),
    columnTypes: fields.map((f) => f.dataTypeID),
    rows: r?.rows ?? [],
    rowsAffected: typeof count === 'number' ? count : -1,
  }
}

/** Runs one statement on a connection; the driver's own result. */
async function query(
  conn: NeonConnection,
  stmt: Statement,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  signal?.throwIfAborted()
  const pending = conn.query({
    text: stmt.sql,
    values: toValues(stmt.params),
    rowMode: 'array',
    types: rawTypes,
  })
  return abortable(pending, signal).catch((err: unknown) => {
    throw toError(err)
  })
}

/** Runs one statement on a connection. */
export async function run(
  conn: NeonConnection,
  stmt: Statement,
  signal?: AbortSignal | undefined,
): Promise<RawResult> {
  return toRawResult(await query(conn, stmt, signal))
}

const sqlOnly = (sql: string): Statement => ({ sql, params: [] })

const isolationLevels: Record<string, string> = {
  readuncommitted: 'READ UNCOMMITTED',
  readcommitted: 'READ COMMITTED',
  repeatableread: 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
}

/** `BEGIN [ISOLATION LEVEL ...] [, READ ONLY]`; unknown isolation names are refused. */
export function beginSql(options: TransactionOptions | undefined): string {
  const modes: string[] = []
  if (options?.isolation !== undefined) {
    const level = isolationLevels[options.isolation.toLowerCase().replace(/[^a-z]/g, '')]
    if (level === undefined)
      throw new ArgumentError(
        `Unknown isolation level ${JSON.stringify(options.isolation)}; use one of 'read uncommitted', 'read committed', 'repeatable read', 'serializable'`,
      )
    modes.push(`ISOLATION LEVEL ${level}`)
  }
  if (options?.readOnly) modes.push('READ ONLY')
  return modes.length === 0 ? 'BEGIN' : `BEGIN ${modes.join(', ')}`
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ArgumentError(`chunkSize must be a positive integer, got ${chunkSize}`)
}

/** A COMMIT the server answered with ROLLBACK: an earlier statement had failed. */
export class CommitRolledBack extends Error {
  override name = 'CommitRolledBack'
  readonly code = '25P02'
  constructor() {
    super('COMMIT rolled back: a statement of this transaction had failed (in_failed_sql_transaction)')
  }
}

let cursorCounter = 0

/** An interactive transaction holding one connection until commit or rollback. */
export class NeonTransaction<C extends NeonConnection> implements AdapterTransaction {
  private done = false
  private broken = false

  constructor(
    private readonly source: ConnectionSource<C>,
    private readonly conn: C,
  ) {}

  private check(): void {
    if (this.done) throw new InterfaceError('This transaction is already committed or rolled back')
  }

  private send(stmt: Statement, signal?: AbortSignal | undefined): Promise<RawResult> {
    return this.sendRaw(stmt, signal).then(toRawResult)
  }

  private async sendRaw(stmt: Statement, signal?: AbortSignal | undefined): Promise<unknown> {
    try {
      return await query(this.conn, stmt, signal)
    } catch (err) {
      // after a socket failure or an abort the connection's state is unknown
      if (signal?.aborted || failed.has(this.conn) || isTransportError(err)) this.broken = true
      throw err
    }
  }

  async execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
    this.check()
    return this.send(stmt, options?.signal)
  }

  async *stream(stmt: Statement, chunkSize: number, options?: ExecuteOptions): AsyncIterable<RawResult> {
    this.check()
    checkChunkSize(chunkSize)
    const signal = options?.signal
    const name = `ea_cursor_${++cursorCounter}`
    await this.send({ sql: `DECLARE ${name} NO SCROLL CURSOR FOR ${stmt.sql}`, params: stmt.params }, signal)
    try {
      for (let first = true; ; first = false) {
        const chunk = await this.send(sqlOnly(`FETCH FORWARD ${chunkSize} FROM ${name}`), signal)
        // the first chunk is yielded even when empty, so the columns are known
        if (chunk.rows.length > 0 || first) yield chunk
        if (chunk.rows.length < chunkSize) break
      }
    } finally {
      if (!this.done && !this.broken) await this.send(sqlOnly(`CLOSE ${name}`)).catch(() => undefined)
    }
  }

  /** Gives the connection back; resolves once its socket is free for others (see `release`). */
  private finish(): Promise<void> {
    this.done = true
    return this.source.release(this.conn, this.broken || failed.has(this.conn))
  }

  /** Commits; an abort (the operation's timeout) discards the connection, so its socket closes. */
  async commit(options?: ExecuteOptions): Promise<void> {
    this.check()
    try {
      const r = (await this.sendRaw(sqlOnly('COMMIT'), options?.signal)) as DriverResult | undefined
      if (r?.command === 'ROLLBACK') throw new CommitRolledBack()
    } finally {
      await this.finish()
    }
  }

  async rollback(options?: ExecuteOptions): Promise<void> {
    if (this.done) return
    try {
      if (!this.broken && !failed.has(this.conn)) await this.send(sqlOnly('ROLLBACK'), options?.signal)
    } catch {
      this.broken = true
    } finally {
      await this.finish()
    }
  }
}
