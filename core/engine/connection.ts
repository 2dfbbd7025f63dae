import type { Dialect } from '../dialects/dialect.js'
import { ArgumentError, InvalidRequestError, UnsupportedCapabilityError } from '../errors.js'
import type { AsyncResult } from '../result/async-result.js'
import type { Result } from '../result/result.js'
import type { CompiledStatement, CompiledTemplate } from '../sql/compiled.js'
import type { Adapter, AdapterTransaction, RawResult, Statement, TransactionOptions } from './adapter.js'
import {
  type EchoSettings,
  type Executable,
  type ExecuteArgs,
  echoStatement,
  prepare,
  runStatement,
  type StatementRunner,
  toResult,
  wrapError,
} from './execution.js'
import { openStream, type StreamOptions } from './streaming.js'
import { AsyncTransaction, type TransactionOwner } from './transaction.js'

type RowOfStmt<S> = S extends { readonly __row: infer R } ? R : Record<string, unknown>

/** Why a batch-only adapter refuses an interactive transaction, and what to use instead. */
export function noInteractiveTransactions(adapter: Adapter): UnsupportedCapabilityError {
  return new UnsupportedCapabilityError(
    `${adapter.name} cannot hold a transaction open across requests. Send the statements together with ` +
      'engine.batch([...]) (atomic, one round trip), or use the ORM session, whose commit() is one atomic batch.',
  )
}

/**
 * A connection (`engine.connect()`). On adapters with interactive transactions the first
 * statement begins a transaction (SQLAlchemy 2's autobegin): `commit()` ends it, and closing
 * without a commit rolls it back. On batch-only adapters (neon-http, d1) each statement commits
 * by itself and `begin()` raises `UnsupportedCapabilityError`.
 */
export class AsyncConnection implements TransactionOwner {
  #tx: AdapterTransaction | undefined
  #root: AsyncTransaction | undefined
  #savepoints: AsyncTransaction[] = []
  #closed = false
  #savepointCounter = 0
  /** Streams opened here; closing the connection closes those still open (cursors, their transactions). */
  #streams = new Set<AsyncResult<any>>()
  /**
   * The tail of this connection's operations. A connection does one thing at a time, as a DBAPI
   * connection does: concurrent calls (`Promise.all` of executes) queue up, so they share one
   * autobegun transaction instead of racing to open several.
   */
  #queue: Promise<unknown> = Promise.resolve()

  /** Runs `fn` after every operation queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  constructor(
    readonly adapter: Adapter,
    readonly dialect: Dialect,
    private readonly echo: EchoSettings,
    private readonly defaultOptions: TransactionOptions = {},
  ) {}

  /** True when the adapter can hold a transaction open. */
  get interactive(): boolean {
    return this.adapter.capabilities.interactiveTransactions
  }

  /** Runs a statement; with a list of parameter sets, runs it once per set (executemany). */
  async execute<S extends Executable>(stmt: S, params?: ExecuteArgs): Promise<Result<RowOfStmt<S>>> {
    this.checkOpen()
    const { template, statements } = prepare(this.dialect, stmt, params)
    return this.serial(async () => {
      this.checkOpen()
      return this.executePrepared<RowOfStmt<S>>(template, statements)
    })
  }

  private async executePrepared<R>(template: CompiledTemplate, statements: Statement[]): Promise<Result<R>> {
    if (statements.length > 1 && !this.interactive) {
      // Batch-only: an executemany is one atomic batch, never a series of autocommits.
      const raws = await this.runBatch(statements)
      return toResult(this.dialect, template, mergeRaw(raws))
    }
    const runner = await this.runner()
    const raws: RawResult[] = []
    for (const s of statements)
      raws.push(await runStatement(this.adapter, this.dialect, this.echo, runner, s))
    return toResult(this.dialect, template, raws.length === 1 ? raws[0]! : mergeRaw(raws))
  }

  /** The first column of the first row. */
  async scalar<S extends Executable>(stmt: S, params?: ExecuteArgs): Promise<unknown> {
    return (await this.execute(stmt, params)).scalar()
  }

  /** The first column of every row. */
  async scalars<S extends Executable>(stmt: S, params?: ExecuteArgs) {
    return (await this.execute(stmt, params)).scalars()
  }

  /**
   * Streams the rows: a server cursor where the adapter has one, pages otherwise (pages need an
   * ORDER BY on a unique key and are not a snapshot). At most `chunkSize` rows are held.
   */
  async stream<S extends Executable>(
    stmt: S,
    options: StreamOptions = {},
  ): Promise<AsyncResult<RowOfStmt<S>>> {
    this.checkOpen()
    return this.serial(async () => {
      this.checkOpen()
      const inTx = this.interactive && this.#tx !== undefined ? this.#tx : undefined
      const result = await openStream<RowOfStmt<S>>(this, stmt, options, inTx)
      this.#streams.add(result)
      return result
    })
  }

  /** Begins a transaction. Interactive adapters only. */
  async begin(options: TransactionOptions = {}): Promise<AsyncTransaction> {
    this.checkOpen()
    if (!this.interactive) throw noInteractiveTransactions(this.adapter)
    return this.serial(async () => {
      this.checkOpen()
      if (this.#tx !== undefined)
        throw new InvalidRequestError(
          'A transaction is already begun on this connection; use beginNested() for a savepoint',
        )
      await this.openAdapterTransaction(options)
      this.#root = new AsyncTransaction(this, undefined)
      return this.#root
    })
  }

  /** Begins a savepoint inside the current transaction (beginning one first if needed). */
  async beginNested(): Promise<AsyncTransaction> {
    this.checkOpen()
    if (!this.adapter.capabilities.savepoints)
      throw new UnsupportedCapabilityError(
        `${this.adapter.name} has no savepoints; use engine.batch() for atomic groups`,
      )
    return this.serial(async () => {
      this.checkOpen()
      const runner = await this.runner()
      const name = `sa_savepoint_${++this.#savepointCounter}`
      await runStatement(this.adapter, this.dialect, this.echo, runner, {
        sql: `SAVEPOINT ${name}`,
        params: [],
      })
      const sp = new AsyncTransaction(this, name)
      this.#savepoints.push(sp)
      return sp
    })
  }

  /** Commits the current transaction (the autobegun one too). */
  async commit(): Promise<void> {
    this.checkOpen()
    // The root transaction's commit() queues itself (endTransaction).
    if (this.#root) return this.#root.commit()
    await this.serial(async () => {
      if (this.#root) await this.#root.commit()
      else if (this.#tx) await this.finishAdapterTransaction(true)
    })
  }

  /** Rolls back the current transaction. */
  async rollback(): Promise<void> {
    if (this.#root) return this.#root.rollback()
    await this.serial(() => this.rollbackNow())
  }

  /** Rolls back without queueing (for callers already in the queue). */
  private async rollbackNow(): Promise<void> {
    const root = this.#root
    if (root) {
      root.deactivate()
      await this.endTransactionNow(root, false)
    } else if (this.#tx) await this.finishAdapterTransaction(false)
  }

  /** The root transaction, if one was begun explicitly. */
  getTransaction(): AsyncTransaction | undefined {
    return this.#root
  }
  /** The innermost savepoint, if any. */
  getNestedTransaction(): AsyncTransaction | undefined {
    return this.#savepoints.at(-1)
  }
  /** True while a transaction (explicit or autobegun) is open. */
  inTransaction(): boolean {
    return this.#tx !== undefined
  }
  /** True inside a savepoint. */
  inNestedTransaction(): boolean {
    return this.#savepoints.length > 0
  }
  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed
  }

  /** SQLAlchemy parity: awaits `fn(this)` (there is no sync layer to switch to). */
  async runSync<T>(fn: (conn: AsyncConnection) => T | Promise<T>): Promise<T> {
    return await fn(this)
  }

  /** Rolls back what was not committed and releases the connection; never raises for a lost rollback. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.serial(() => this.closeNow())
  }

  private async closeNow(): Promise<void> {
    if (this.#closed) return
    try {
      const streams = [...this.#streams]
      this.#streams.clear()
      for (const stream of streams) await stream.close().catch(() => undefined)
      // As a pool's reset on return: a rollback that fails (the connection or session is gone) is
      // not raised, since the remote rolls an abandoned transaction back by itself; raising here
      // would mask the error that usually caused it (`await using`, finally blocks).
      if (this.#tx !== undefined)
        await this.rollbackNow().catch((err: unknown) => {
          if (this.echo.echo) this.echo.logger(`ROLLBACK on close failed: ${String(err)}`)
        })
    } finally {
      this.#closed = true
    }
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** SqlRunner, so `metadata.createAll(conn)` works. */
  async runCompiled(stmt: CompiledStatement): Promise<{ rows: readonly (readonly unknown[])[] }> {
    this.checkOpen()
    return this.serial(async () => {
      const runner = await this.runner()
      return runStatement(this.adapter, this.dialect, this.echo, runner, stmt)
    })
  }

  /**
   * @internal Runs one bound statement in turn, in the open (or autobegun) transaction: the ORM's
   * flush sends statements it built itself (guards, RETURNING) through here.
   */
  runBound(stmt: Statement): Promise<RawResult> {
    this.checkOpen()
    return this.serial(async () => {
      this.checkOpen()
      const runner = await this.runner()
      return runStatement(this.adapter, this.dialect, this.echo, runner, stmt)
    })
  }

  /** @internal Ends a transaction or savepoint (called by AsyncTransaction), in turn with other operations. */
  endTransaction(tx: AsyncTransaction, commit: boolean): Promise<void> {
    return this.serial(() => this.endTransactionNow(tx, commit))
  }

  private async endTransactionNow(tx: AsyncTransaction, commit: boolean): Promise<void> {
    if (tx.savepoint === undefined) {
      for (const sp of this.#savepoints) sp.deactivate()
      this.#savepoints = []
      this.#root = undefined
      return this.finishAdapterTransaction(commit)
    }
    const i = this.#savepoints.indexOf(tx)
    if (i < 0) return
    for (const inner of this.#savepoints.slice(i + 1)) inner.deactivate()
    this.#savepoints = this.#savepoints.slice(0, i)
    const sql = commit ? `RELEASE SAVEPOINT ${tx.savepoint}` : `ROLLBACK TO SAVEPOINT ${tx.savepoint}`
    await runStatement(this.adapter, this.dialect, this.echo, this.#tx!, { sql, params: [] })
  }

  /** @internal The echo settings, for the streaming helper. */
  get echoSettings(): EchoSettings {
    return this.echo
  }

  /** Where statements go: the open (or autobegun) transaction, or the adapter itself. */
  private async runner(): Promise<StatementRunner> {
    if (!this.interactive) return this.adapter
    if (this.#tx === undefined) await this.openAdapterTransaction(this.defaultOptions)
    return this.#tx!
  }

  private async openAdapterTransaction(options: TransactionOptions): Promise<void> {
    try {
      this.#tx = await this.adapter.begin!({ ...this.defaultOptions, ...options })
    } catch (err) {
      throw wrapError(this.adapter, this.dialect, err, { sql: 'BEGIN', params: [] }, this.echo.hideParameters)
    }
    if (this.echo.echo) this.echo.logger('BEGIN (implicit)')
  }

  private async finishAdapterTransaction(commit: boolean): Promise<void> {
    const tx = this.#tx
    this.#tx = undefined
    this.#root = undefined
    if (tx === undefined) return
    if (this.echo.echo) this.echo.logger(commit ? 'COMMIT' : 'ROLLBACK')
    try {
      await (commit ? tx.commit() : tx.rollback())
    } catch (err) {
      throw wrapError(
        this.adapter,
        this.dialect,
        err,
        { sql: commit ? 'COMMIT' : 'ROLLBACK', params: [] },
        true,
      )
    }
  }

  private async runBatch(statements: readonly Statement[]): Promise<RawResult[]> {
    for (const s of statements) echoStatement(this.echo, s)
    try {
      return await this.adapter.batch(statements, this.defaultOptions)
    } catch (err) {
      // An executemany shares one SQL text; which parameter set failed is not known.
      const sql = statements[0]!.sql
      const shared = statements.every((s) => s.sql === sql) ? { sql, params: [] } : undefined
      throw wrapError(this.adapter, this.dialect, err, shared, true)
    }
  }

  private checkOpen(): void {
    if (this.#closed) throw new InvalidRequestError('This connection is closed')
  }
}

/** The rows and counts of an executemany, as one result. */
function mergeRaw(raws: readonly RawResult[]): RawResult {
  if (raws.length === 0) throw new ArgumentError('No statement was run')
  const first = raws[0]!
  const counts = raws.map((r) => r.rowsAffected)
  return {
    columns: first.columns,
    columnTypes: first.columnTypes,
    rows: raws.flatMap((r) => r.rows),
    rowsAffected: counts.includes(-1) ? -1 : counts.reduce((a, b) => a + b, 0),
    lastInsertId: raws.at(-1)!.lastInsertId,
  }
}
