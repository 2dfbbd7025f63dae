/**
 * An interactive transaction on one pg-protocol connection, with server-side cursors for
 * streaming; the statements that end it and read its cursors come from the dialect.
 * @module
 */

import type { CursorControl, TransactionControl } from '../../core/dialects/transaction-control.js'
import type { AdapterTransaction, ExecuteOptions, RawResult, Statement } from '../../core/engine/adapter.js'
import { ArgumentError, InterfaceError } from '../../core/errors.js'
import type { ConnectionSource } from './connection-source.js'
import {
  hasFailed,
  type PgConnection,
  type PgErrorReading,
  type PgResult,
  queryPg,
  toRawResult,
} from './pg-connection.js'

const sqlOnly = (sql: string): Statement => ({ sql, params: [] })

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
export class PgTransaction<C extends PgConnection> implements AdapterTransaction {
  private done = false
  private broken = false

  constructor(
    private readonly source: ConnectionSource<C>,
    private readonly conn: C,
    private readonly errors: PgErrorReading,
    private readonly control: TransactionControl,
  ) {}

  private check(): void {
    if (this.done) throw new InterfaceError('This transaction is already committed or rolled back')
  }

  private send(stmt: Statement, signal?: AbortSignal | undefined): Promise<RawResult> {
    return this.sendRaw(stmt, signal).then(toRawResult)
  }

  private async sendRaw(stmt: Statement, signal?: AbortSignal | undefined): Promise<unknown> {
    try {
      return await queryPg(this.conn, stmt, this.errors, signal)
    } catch (err) {
      // after a socket failure or an abort the connection's state is unknown
      if (signal?.aborted || hasFailed(this.conn) || this.errors.isTransportError(err)) this.broken = true
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
    const cursor = this.control.cursor as CursorControl
    const signal = options?.signal
    const name = `ea_cursor_${++cursorCounter}`
    await this.send({ sql: cursor.declare(name, stmt.sql), params: stmt.params }, signal)
    try {
      for (let first = true; ; first = false) {
        const chunk = await this.send(sqlOnly(cursor.fetch(name, chunkSize)), signal)
        // the first chunk is yielded even when empty, so the columns are known
        if (chunk.rows.length > 0 || first) yield chunk
        if (chunk.rows.length < chunkSize) break
      }
    } finally {
      if (!this.done && !this.broken) await this.send(sqlOnly(cursor.close(name))).catch(() => undefined)
    }
  }

  /** Gives the connection back; resolves once its socket is free for others (see `release`). */
  private finish(): Promise<void> {
    this.done = true
    return this.source.release(this.conn, this.broken || hasFailed(this.conn))
  }

  /** Commits; an abort (the operation's timeout) discards the connection, so its socket closes. */
  async commit(options?: ExecuteOptions): Promise<void> {
    this.check()
    try {
      const r = (await this.sendRaw(sqlOnly(this.control.commit), options?.signal)) as PgResult | undefined
      if (r?.command === 'ROLLBACK') throw new CommitRolledBack()
    } finally {
      await this.finish()
    }
  }

  async rollback(options?: ExecuteOptions): Promise<void> {
    if (this.done) return
    try {
      if (!this.broken && !hasFailed(this.conn))
        await this.send(sqlOnly(this.control.rollback), options?.signal)
    } catch {
      this.broken = true
    } finally {
      await this.finish()
    }
  }
}
