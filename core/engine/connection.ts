import type { Dialect } from '../dialects/dialect.js'
import {
  ArgumentError,
  CommitOutcomeUnknownError,
  InvalidRequestError,
  UnsupportedCapabilityError,
} from '../errors.js'
import type { AsyncResult } from '../result/async-result.js'
import type { Result } from '../result/result.js'
import type { CompiledStatement, CompiledTemplate } from '../sql/compiled.js'
import { abortable } from './abortable.js'
import type { Adapter, AdapterTransaction, RawResult, Statement, TransactionOptions } from './adapter.js'
import { beginTransaction } from './callback-transaction.js'
import { commitFailure } from './commit-outcome.js'
import {
  type EchoSettings,
  type Executable,
  type ExecuteArgs,
  echoStatement,
  isReadOnlyStatement,
  prepare,
  runStatement,
  type StatementRunner,
  toResult,
  wrapError,
} from './execution.js'
import { defaultOperationTimeout, type Operation, OperationGate, type OperationOptions } from './operation.js'
import { openStream, type StreamOptions } from './streaming.js'
import { AsyncTransaction } from './transaction.js'

type RowOfStmt<S> = S extends { readonly __row: infer R } ? R : Record<string, unknown>

/** Why a batch-only adapter refuses an interactive transaction, and what to use instead. */
export function noInteractiveTransactions(adapter: Adapter): UnsupportedCapabilityError {
  return new UnsupportedCapabilityError(
    `${adapter.name} cannot hold a transaction open across requests. Send the statements together with ` +
      'engine.batch([...]) (atomic, one round trip), or use the ORM session, whose commit() is one atomic batch.',
  )
}

/** How an engine sets up its connections. */
export interface ConnectionSettings {
  /** The default operation timeout (ms; null: none). */
  readonly timeout: number | null
  /** Called once the connection has closed (the engine's list of open connections). */
  readonly onClose?: ((conn: AsyncConnection) => void) | undefined
}

/**
 * A connection (`engine.connect()`). On adapters with interactive transactions the first
 * statement begins a transaction (SQLAlchemy 2's autobegin): `commit()` ends it, and closing
 * without a commit rolls it back. On batch-only adapters (neon-http, d1) each statement commits
 * by itself and `begin()` raises `UnsupportedCapabilityError`.
 *
 * One operation at a time: a call made while another is in flight (`Promise.all` over one
 * connection) raises `ConcurrentOperationError` before anything is sent. `close()` waits for the
 * operation in flight (at most its timeout), then rolls back and releases the connection.
 */
export class AsyncConnection {
  // the TransactionOwner of its transactions, structurally: `endTransaction` is internal (left out
  // of the published types), so the class does not name the interface
  #tx: AdapterTransaction | undefined
  #root: AsyncTransaction | undefined
  #savepoints: AsyncTransaction[] = []
  #closed = false
  #closing: Promise<boolean> | undefined
  #savepointCounter = 0
  /** Streams opened here; closing the connection closes those still open (cursors, their transactions). */
  #streams = new Set<AsyncResult<any>>()
  readonly #gate = new OperationGate('connection')
  /** The session operation this connection works for: its signal and time limit govern each call. */
  #adopted: Operation | undefined
  /** Why the transaction was cut short (a timeout or abort mid-statement); cleared by rollback(). */
  #invalidated: unknown

  constructor(
    readonly adapter: Adapter,
    readonly dialect: Dialect,
    private readonly echo: EchoSettings,
    private readonly defaultOptions: TransactionOptions = {},
    private readonly settings: ConnectionSettings = { timeout: defaultOperationTimeout },
  ) {}

  /** True when the adapter can hold a transaction open. */
  get interactive(): boolean {
    return this.adapter.capabilities.interactiveTransactions
  }

  /**
   * @internal Makes the calls that follow part of `op` (a session operation): they take its
   * signal and time limit instead of their own. `undefined` ends that.
   */
  adopt(op: Operation | undefined): void {
    this.#adopted = op
  }

  /** Runs `fn` as one operation of this connection. */
  private async op<T>(
    name: string,
    options: OperationOptions | undefined,
    fn: (op: Operation) => Promise<T>,
  ): Promise<T> {
    this.checkOpen()
    const adopted = this.#adopted
    // a call for a session operation is part of it: its time limit and signal, no timer of its own
    const own = options?.timeout !== undefined || options?.signal !== undefined || adopted === undefined
    const op = own
      ? this.#gate.enter(name, options, this.settings.timeout)
      : this.#gate.enter(name, undefined, null, adopted)
    try {
      this.checkOpen()
      return await fn(op)
    } catch (err) {
      if (!op.aborted) throw err
      // cut short mid-statement: the transaction's state is unknown, so it ends here
      await this.invalidate(op.abortError(err))
      throw err instanceof CommitOutcomeUnknownError ? err : op.abortError(err)
    } finally {
      this.#gate.leave(op)
    }
  }

  /** Ends a transaction cut short by a timeout: the adapter discards its connection. */
  private async invalidate(reason: unknown): Promise<void> {
    const tx = this.#tx
    if (tx === undefined) return
    this.#invalidated = reason
    this.#tx = undefined
    this.#root?.deactivate()
    this.#root = undefined
    for (const sp of this.#savepoints) sp.deactivate()
    this.#savepoints = []
    const limit = AbortSignal.timeout(closeGrace)
    await abortable(tx.rollback({ signal: limit }), limit).catch(() => undefined)
  }

  /** Runs a statement; with a list of parameter sets, runs it once per set (executemany). */
  async execute<S extends Executable>(
    stmt: S,
    params?: ExecuteArgs,
    options?: OperationOptions,
  ): Promise<Result<RowOfStmt<S>>> {
    this.checkOpen()
    const { template, statements } = prepare(this.dialect, stmt, params)
    return this.op('execute', options, (op) =>
      this.executePrepared<RowOfStmt<S>>(template, statements, op, isReadOnlyStatement(stmt)),
    )
  }

  private async executePrepared<R>(
    template: CompiledTemplate,
    statements: Statement[],
    op: Operation,
    query: boolean,
  ): Promise<Result<R>> {
    this.checkValid()
    if (!this.interactive && !query) {
      // Batch-only: each write commits by itself, and an executemany is one atomic batch, never
      // a series of autocommits. Either way a lost reply leaves the outcome unknown.
      op.mayHaveCommitted = true
      try {
        const raws =
          statements.length > 1
            ? await this.runBatch(statements, op)
            : [
                await op.race(
                  this.adapter.execute(echoed(this.echo, statements[0]!), {
                    signal: op.signalFor(this.adapter),
                  }),
                ),
              ]
        return toResult(this.dialect, template, raws.length === 1 ? raws[0]! : mergeRaw(raws))
      } catch (err) {
        throw commitFailure(this.adapter, this.dialect, err, statements, op, this.echo.hideParameters)
      }
    }
    const runner = await this.runner(op)
    const raws: RawResult[] = []
    for (const s of statements) raws.push(await this.send(op, runner, s))
    return toResult(this.dialect, template, raws.length === 1 ? raws[0]! : mergeRaw(raws))
  }

  /** The first column of the first row. */
  async scalar<S extends Executable>(
    stmt: S,
    params?: ExecuteArgs,
    options?: OperationOptions,
  ): Promise<unknown> {
    return (await this.execute(stmt, params, options)).scalar()
  }

  /** The first column of every row. */
  async scalars<S extends Executable>(stmt: S, params?: ExecuteArgs, options?: OperationOptions) {
    return (await this.execute(stmt, params, options)).scalars()
  }

  /**
   * Streams the rows: a server cursor where the adapter has one, pages otherwise (pages need an
   * ORDER BY on a unique key and are not a snapshot). At most `chunkSize` rows are held.
   *
   * An open stream is not an operation in flight: other calls may run between its chunks (a
   * `get()` inside `for await`). Fetching a chunk is one, and each fetch has its own timeout.
   */
  async stream<S extends Executable>(
    stmt: S,
    options: StreamOptions & OperationOptions = {},
  ): Promise<AsyncResult<RowOfStmt<S>>> {
    return this.op('stream', options, async (op) => {
      this.checkValid()
      const inTx = this.interactive && this.#tx !== undefined ? this.#tx : undefined
      const step = <T>(fn: (signal: AbortSignal | undefined) => Promise<T>) =>
        this.op('stream iteration', undefined, (o) => o.race(fn(o.signalFor(this.adapter))))
      const result = await openStream<RowOfStmt<S>>(this, stmt, options, inTx, step, op)
      this.#streams.add(result)
      return result
    })
  }

  /** Begins a transaction. Interactive adapters only. */
  async begin(options: TransactionOptions & OperationOptions = {}): Promise<AsyncTransaction> {
    this.checkOpen()
    if (!this.interactive) throw noInteractiveTransactions(this.adapter)
    return this.op('begin', options, async (op) => {
      this.checkValid()
      if (this.#tx !== undefined)
        throw new InvalidRequestError(
          'A transaction is already begun on this connection; use beginNested() for a savepoint',
        )
      await this.openAdapterTransaction(options, op)
      this.#root = new AsyncTransaction(this, undefined)
      return this.#root
    })
  }

  /** Begins a savepoint inside the current transaction (beginning one first if needed). */
  async beginNested(options?: OperationOptions): Promise<AsyncTransaction> {
    this.checkOpen()
    if (!this.adapter.capabilities.savepoints)
      throw new UnsupportedCapabilityError(
        `${this.adapter.name} has no savepoints; use engine.batch() for atomic groups`,
      )
    return this.op('beginNested', options, async (op) => {
      this.checkValid()
      const runner = await this.runner(op)
      const name = `sa_savepoint_${++this.#savepointCounter}`
      await this.send(op, runner, { sql: `SAVEPOINT ${name}`, params: [] })
      const sp = new AsyncTransaction(this, name)
      this.#savepoints.push(sp)
      return sp
    })
  }

  /**
   * Commits the current transaction (the autobegun one too). When no answer says whether the
   * COMMIT was applied (a lost reply, a timeout after it was sent), raises
   * `CommitOutcomeUnknownError`; the connection's transaction is over either way.
   */
  async commit(options?: OperationOptions): Promise<void> {
    this.checkOpen()
    // The root transaction's commit() runs as an operation itself (endTransaction).
    if (this.#root) return this.#root.commit(options)
    await this.op('commit', options, async (op) => {
      if (this.#root) await this.endTransactionNow(this.#root, true, op)
      else if (this.#tx) await this.finishAdapterTransaction(true, op)
      else this.checkValid()
    })
  }

  /** Rolls back the current transaction. */
  async rollback(options?: OperationOptions): Promise<void> {
    if (this.#root) return this.#root.rollback(options)
    await this.op('rollback', options, (op) => this.rollbackNow(op))
  }

  /** Rolls back inside an operation already running. */
  private async rollbackNow(op: Operation | undefined): Promise<void> {
    this.#invalidated = undefined
    const root = this.#root
    if (root) {
      root.deactivate()
      await this.endTransactionNow(root, false, op)
    } else if (this.#tx) await this.finishAdapterTransaction(false, op)
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

  /**
   * Waits for the operation in flight (at most the connection's timeout; then it is cut short),
   * rolls back what was not committed and releases the connection. Never raises for a lost
   * rollback: the remote rolls back a transaction whose connection is gone.
   */
  async close(): Promise<void> {
    await this.closeReport()
  }

  /** @internal `close()`, resolving false when an operation in flight had to be cut short. */
  closeReport(grace?: number | null): Promise<boolean> {
    if (this.#closed) return Promise.resolve(true)
    this.#closing ??= this.closeNow(grace === undefined ? this.settings.timeout : grace)
    return this.#closing
  }

  private async closeNow(grace: number | null): Promise<boolean> {
    let clean = true
    try {
      clean = await this.#gate.drain(grace)
      // the rollback on close gets the same grace: a remote that does not answer is left to end it
      const op = this.#gate.seize('close', grace)
      try {
        const streams = [...this.#streams]
        this.#streams.clear()
        for (const stream of streams) await stream.close().catch(() => undefined)
        // As a pool's reset on return: a rollback that fails (the connection or session is gone) is
        // not raised, since the remote rolls an abandoned transaction back by itself; raising here
        // would mask the error that usually caused it (`await using`, finally blocks).
        if (this.#tx !== undefined)
          await this.rollbackNow(op).catch((err: unknown) => {
            if (this.echo.echo) this.echo.logger(`ROLLBACK on close failed: ${String(err)}`)
          })
      } finally {
        this.#gate.leave(op)
      }
    } finally {
      this.#closed = true
      this.#invalidated = undefined
      this.settings.onClose?.(this)
    }
    return clean
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** SqlRunner, so `metadata.createAll(conn)` works. */
  async runCompiled(stmt: CompiledStatement): Promise<{ rows: readonly (readonly unknown[])[] }> {
    const raw = await this.runBound(stmt)
    return raw
  }

  /**
   * @internal Runs a bound statement, in turn, in the open (or autobegun) transaction: the ORM's
   * flush sends statements it built itself (guards, RETURNING) through here.
   */
  runBound(stmt: Statement): Promise<RawResult> {
    return this.op('execute', undefined, async (op) => {
      this.checkValid()
      const runner = await this.runner(op)
      return this.send(op, runner, stmt)
    })
  }

  /** @internal Ends a transaction or savepoint (called by AsyncTransaction), as one operation. */
  endTransaction(tx: AsyncTransaction, commit: boolean, options?: OperationOptions): Promise<void> {
    return this.op(commit ? 'commit' : 'rollback', options, (op) => {
      if (!commit) this.#invalidated = undefined
      return this.endTransactionNow(tx, commit, op)
    })
  }

  private async endTransactionNow(
    tx: AsyncTransaction,
    commit: boolean,
    op: Operation | undefined,
  ): Promise<void> {
    if (tx.savepoint === undefined) {
      for (const sp of this.#savepoints) sp.deactivate()
      this.#savepoints = []
      this.#root = undefined
      return this.finishAdapterTransaction(commit, op)
    }
    const i = this.#savepoints.indexOf(tx)
    if (i < 0) return
    for (const inner of this.#savepoints.slice(i + 1)) inner.deactivate()
    this.#savepoints = this.#savepoints.slice(0, i)
    const sql = commit ? `RELEASE SAVEPOINT ${tx.savepoint}` : `ROLLBACK TO SAVEPOINT ${tx.savepoint}`
    const stmt = { sql, params: [] }
    if (op === undefined) await runStatement(this.adapter, this.dialect, this.echo, this.#tx!, stmt)
    else await this.send(op, this.#tx!, stmt)
  }

  /** Runs one bound statement as part of `op`: logged, raced against its time limit, errors translated. */
  private send(op: Operation, runner: StatementRunner, stmt: Statement): Promise<RawResult> {
    return op.race(
      runStatement(this.adapter, this.dialect, this.echo, runner, stmt, {
        signal: op.signalFor(this.adapter),
      }),
    )
  }

  /** @internal The echo settings, for the streaming helper. */
  get echoSettings(): EchoSettings {
    return this.echo
  }

  /** Where statements go: the open (or autobegun) transaction, or the adapter itself. */
  private async runner(op: Operation): Promise<StatementRunner> {
    if (!this.interactive) return this.adapter
    if (this.#tx === undefined) await this.openAdapterTransaction(this.defaultOptions, op)
    return this.#tx!
  }

  private async openAdapterTransaction(options: TransactionOptions, op: Operation): Promise<void> {
    try {
      this.#tx = await beginTransaction(this.adapter, {
        ...this.defaultOptions,
        isolation: options.isolation ?? this.defaultOptions.isolation,
        readOnly: options.readOnly ?? this.defaultOptions.readOnly,
        signal: op.signalFor(this.adapter),
      })
    } catch (err) {
      throw wrapError(this.adapter, this.dialect, err, { sql: 'BEGIN', params: [] }, this.echo.hideParameters)
    }
    if (this.echo.echo) this.echo.logger('BEGIN (implicit)')
  }

  private async finishAdapterTransaction(commit: boolean, op: Operation | undefined): Promise<void> {
    const tx = this.#tx
    this.#tx = undefined
    this.#root = undefined
    if (tx === undefined) return
    if (this.echo.echo) this.echo.logger(commit ? 'COMMIT' : 'ROLLBACK')
    const signal = op?.signalFor(this.adapter)
    const race = <T>(p: Promise<T>) => (op === undefined ? p : op.race(p))
    if (!commit) {
      try {
        await race(tx.rollback({ signal }))
      } catch (err) {
        throw wrapError(this.adapter, this.dialect, err, { sql: 'ROLLBACK', params: [] }, true)
      }
      return
    }
    if (op !== undefined) op.mayHaveCommitted = true
    try {
      await race(tx.commit({ signal }))
    } catch (err) {
      throw commitFailure(this.adapter, this.dialect, err, [{ sql: 'COMMIT', params: [] }], op, true)
    }
  }

  private async runBatch(statements: readonly Statement[], op: Operation): Promise<RawResult[]> {
    for (const s of statements) echoStatement(this.echo, s)
    return await op.race(
      this.adapter.batch(statements, { ...this.defaultOptions, signal: op.signalFor(this.adapter) }),
    )
  }

  private checkOpen(): void {
    if (this.#closed) throw new InvalidRequestError('This connection is closed')
  }

  /** Refuses statements after a transaction was cut short, until rollback(). */
  private checkValid(): void {
    if (this.#invalidated !== undefined)
      throw new InvalidRequestError(
        "This connection's transaction was cut short (" +
          `${this.#invalidated instanceof Error ? this.#invalidated.message : String(this.#invalidated)}) and rolled back; ` +
          'call rollback() before using the connection again',
        { cause: this.#invalidated },
      )
  }
}

/** Logs a statement and returns it. */
function echoed(settings: EchoSettings, stmt: Statement): Statement {
  echoStatement(settings, stmt)
  return stmt
}

/** Closing a transaction cut short never waits longer than this (ms). */
const closeGrace = 5_000

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
