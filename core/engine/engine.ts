import type { Dialect } from '../dialects/dialect.js'
import { ArgumentError, InvalidRequestError } from '../errors.js'
import type { Result } from '../result/result.js'
import type { CompiledStatement, CompiledTemplate, ExecuteParams } from '../sql/compiled.js'
import type {
  Adapter,
  AdapterFactory,
  IsolationLevel,
  RawResult,
  Statement,
  TransactionOptions,
} from './adapter.js'
import { commitFailure } from './commit-outcome.js'
import { AsyncConnection, noInteractiveTransactions } from './connection.js'
import {
  type EchoSettings,
  type Executable,
  type ExecuteArgs,
  echoStatement,
  isReadOnlyStatement,
  prepare,
  prepareOne,
  toResult,
  wrapError,
} from './execution.js'
import {
  checkTimeout,
  defaultOperationTimeout,
  Operation,
  type OperationOptions,
  type PartOfOperation,
} from './operation.js'
import { type RetryOptions, withRetries } from './retry.js'

/** Options of {@link createAsyncEngine}. */
export interface EngineOptions {
  /** Log every statement (with its parameters unless `hideParameters`). */
  echo?: boolean
  /** Where log lines go; `console.log` by default. */
  logger?: (line: string) => void
  /** Keep parameters out of logs and error objects. */
  hideParameters?: boolean
  /** Isolation level of transactions and batches, e.g. `'serializable'`. */
  isolationLevel?: IsolationLevel
  /** Adapter factories to choose from when the engine is created from a URL. */
  adapters?: readonly AdapterFactory[]
  /**
   * Milliseconds one operation may take by default (`execute`, a whole `commit()`, ...): 30000.
   * `null` turns the limit off. Each call can set its own `{ timeout, signal }`.
   */
  timeout?: number | null
  /**
   * The commit token table of the ORM sessions made on this engine (idempotent commits: see
   * `commitTokenTable` in `edgealchemy/orm`); a session's own `commitTokens` option wins.
   */
  commitTokens?: object
}

/** What {@link AsyncEngine.dispose} did. */
export interface DisposeReport {
  /** Connections (of sessions too) still open when dispose() began; each was rolled back and closed. */
  readonly connections: number
  /** Of those, how many had an operation in flight that outlived the grace period and was cut short. */
  readonly forced: number
}

type RowOfStmt<S> = S extends { readonly __row: infer R } ? R : Record<string, unknown>

/** A statement for {@link AsyncEngine.batch}: alone, or with its parameters. */
export type BatchItem = Executable | readonly [Executable, ExecuteParams]

/**
 * The engine: a dialect, an adapter (the transport) and logging. Safe to create at module
 * scope: it opens nothing until used.
 *
 * ```ts
 * const engine = createAsyncEngine(libsql('file:app.db'))
 * const rows = (await engine.execute(select(users))).all()
 * await engine.begin(async (conn) => { await conn.execute(insert(users).values({ name: 'Ann' })) })
 * ```
 */
export class AsyncEngine {
  readonly dialect: Dialect
  private readonly echo: EchoSettings
  private readonly txOptions: TransactionOptions
  /** The default operation timeout (ms; null: none). */
  readonly timeout: number | null
  /** The commit token table ORM sessions on this engine write to by default (see {@link EngineOptions.commitTokens}). */
  readonly commitTokens: object | undefined
  #disposed = false
  /** Connections open now (engine.connect(), sessions), for dispose(). */
  readonly #open = new Set<AsyncConnection>()

  constructor(
    readonly adapter: Adapter,
    options: EngineOptions = {},
  ) {
    if (adapter.dialect === undefined) throw new ArgumentError(`Adapter ${adapter.name} declares no dialect`)
    const poolKeys = ['poolSize', 'maxOverflow', 'poolTimeout', 'poolRecycle'].filter((k) => k in options)
    if (poolKeys.length > 0)
      throw new ArgumentError(
        `${poolKeys.join(', ')} belong to the adapter that holds sockets: neon(url, { ${poolKeys[0]}: ... }); ` +
          'HTTP adapters (neon-http, libsql, planetscale, d1) keep no connection open',
      )
    this.dialect = adapter.dialect
    this.echo = {
      echo: options.echo ?? false,
      hideParameters: options.hideParameters ?? false,
      logger: options.logger ?? ((line) => console.log(line)),
    }
    this.txOptions = options.isolationLevel === undefined ? {} : { isolation: options.isolationLevel }
    const timeout = checkTimeout(options.timeout, 'createAsyncEngine()')
    this.timeout = timeout === undefined ? defaultOperationTimeout : timeout
    this.operationTimeout = adapter.embedded === true ? null : this.timeout
    this.commitTokens = options.commitTokens
  }

  /**
   * @internal The timer armed for an operation without a `timeout` of its own: the engine's
   * `timeout`, or none for an embedded database (nothing there waits on a network).
   */
  readonly operationTimeout: number | null

  /** A new connection; close it (or `await using` it) when done. */
  async connect(): Promise<AsyncConnection> {
    this.checkOpen()
    const conn = new AsyncConnection(this.adapter, this.dialect, this.echo, this.txOptions, {
      timeout: this.operationTimeout,
      onClose: (c) => this.#open.delete(c),
    })
    this.#open.add(conn)
    return conn
  }

  /** Starts one engine-level operation (no gate: an engine runs any number at once). */
  private operation(name: string, options: PartOfOperation | undefined): Operation {
    const timeout = checkTimeout(options?.timeout, `${name}()`)
    const parent = options?.partOf
    if (parent !== undefined && timeout === undefined && options?.signal === undefined)
      return new Operation(name, null, undefined, 'engine', parent)
    return new Operation(
      name,
      timeout === undefined ? this.operationTimeout : timeout,
      options?.signal,
      'engine',
      parent,
    )
  }

  /**
   * Runs one statement on its own and commits it (the seed's `AsyncEngine.execute`). With a list
   * of parameter sets (executemany) every set runs and commits together, atomically: one batch
   * on batch-only adapters, one transaction elsewhere. A write whose reply is lost raises
   * `CommitOutcomeUnknownError`.
   */
  execute<S extends Executable>(
    stmt: S,
    params?: ExecuteArgs,
    options?: OperationOptions,
  ): Promise<Result<RowOfStmt<S>>> {
    // the common case (one parameter set) without async frames: the adapter's promise, chained
    if (Array.isArray(params)) return this.executeMany(stmt, params, options)
    let bound: Statement
    let template: CompiledTemplate
    let op: Operation | undefined
    try {
      this.checkOpen()
      ;({ template, statement: bound } = prepareOne(this.dialect, stmt, params as ExecuteParams | undefined))
      // no timer and no signal (an embedded database, timeout: null): nothing to set up per call
      if (options !== undefined || this.operationTimeout !== null) op = this.operation('execute', options)
      echoStatement(this.echo, bound)
    } catch (err) {
      return Promise.reject(err)
    }
    const write = !isReadOnlyStatement(stmt)
    const fail = (err: unknown): Error => {
      if (write) return commitFailure(this.adapter, this.dialect, err, [bound], op, this.echo.hideParameters)
      if (op?.aborted) return op.abortError(err) as Error
      return wrapError(this.adapter, this.dialect, err, bound, this.echo.hideParameters)
    }
    let pending: Promise<RawResult>
    try {
      if (op === undefined) pending = this.adapter.execute(bound)
      else {
        op.mayHaveCommitted = write
        pending = op.race(this.adapter.execute(bound, { signal: op.signalFor(this.adapter) }))
      }
    } catch (err) {
      op?.end()
      return Promise.reject(fail(err))
    }
    return pending.then(
      (raw) => {
        op?.end()
        try {
          return toResult<RowOfStmt<S>>(this.dialect, template, raw)
        } catch (err) {
          throw wrapError(this.adapter, this.dialect, err, bound, this.echo.hideParameters)
        }
      },
      (err) => {
        op?.end()
        throw fail(err)
      },
    )
  }

  private async executeMany<S extends Executable>(
    stmt: S,
    params: ExecuteArgs,
    options: OperationOptions | undefined,
  ): Promise<Result<RowOfStmt<S>>> {
    this.checkOpen()
    const { statements } = prepare(this.dialect, stmt, params)
    if (statements.length === 1) return this.execute(stmt, (params as readonly ExecuteParams[])[0], options)
    const conn = await this.connect()
    try {
      // one operation: a deadline for the statements and the commit together
      const op = this.operation('execute', options)
      try {
        // the connection's calls are part of this operation: its timer and signal end them
        conn.adopt(op)
        const result = await conn.execute(stmt, params)
        await conn.commit()
        return result
      } finally {
        conn.adopt(undefined)
        op.end()
      }
    } finally {
      await conn.close()
    }
  }

  /** The first column of the first row of one statement. */
  async scalar<S extends Executable>(
    stmt: S,
    params?: ExecuteArgs,
    options?: OperationOptions,
  ): Promise<unknown> {
    return (await this.execute(stmt, params, options)).scalar()
  }

  /**
   * Runs `fn` in a transaction on a new connection: commits when it returns, rolls back when it
   * throws. Interactive adapters only; on batch-only adapters use {@link batch}. With `retries`,
   * a retryable error (`isRetryable`: serialization failure, deadlock, busy database, a
   * connection that failed before sending) rolls back and runs `fn` again on a new connection
   * after a backoff; `CommitOutcomeUnknownError` is never retried.
   *
   * ```ts
   * await engine.begin(async (conn) => {
   *   await conn.execute(update(accounts).set({ balance: 0 }).where(accounts.c.id.eq(1)))
   * }, { isolation: 'serializable', retries: 3 })
   * ```
   */
  async begin<T>(
    fn: (conn: AsyncConnection) => Promise<T>,
    options: TransactionOptions & OperationOptions & RetryOptions = {},
  ): Promise<T> {
    this.checkOpen()
    if (!this.adapter.capabilities.interactiveTransactions) throw noInteractiveTransactions(this.adapter)
    const { retries, backoff, maxBackoff, onRetry, ...rest } = options
    if (retries === undefined) return this.beginOnce(fn, rest)
    return withRetries(() => this.beginOnce(fn, rest), {
      retries,
      backoff,
      maxBackoff,
      onRetry,
      signal: rest.signal,
    })
  }

  private async beginOnce<T>(
    fn: (conn: AsyncConnection) => Promise<T>,
    options: TransactionOptions & OperationOptions,
  ): Promise<T> {
    const conn = await this.connect()
    try {
      const tx = await conn.begin(options)
      try {
        const out = await fn(conn)
        if (tx.isActive) await tx.commit({ timeout: options.timeout, signal: options.signal })
        return out
      } catch (err) {
        await tx.rollback().catch(() => undefined)
        throw err
      }
    } finally {
      await conn.close()
    }
  }

  /**
   * Runs statements as one atomic unit: all or nothing, in one round trip where the adapter
   * allows it (neon-http, libsql, d1), else BEGIN + each + COMMIT on one connection.
   */
  async batch(
    items: readonly BatchItem[],
    options: TransactionOptions & OperationOptions = {},
  ): Promise<Result[]> {
    this.checkOpen()
    if (items.length === 0) return []
    const prepared = items.map((item) => {
      const [stmt, params] = Array.isArray(item)
        ? (item as readonly [Executable, ExecuteParams])
        : [item as Executable, undefined]
      const p = prepare(this.dialect, stmt, params)
      return { template: p.template, stmt: p.statements[0]! }
    })
    const raws = await this.runStatementBatch(
      prepared.map((p) => p.stmt),
      options,
    )
    return raws.map((raw, i) => toResult(this.dialect, prepared[i]!.template, raw))
  }

  /**
   * @internal Bound statements as one atomic batch, with logging and error translation (the ORM's
   * one-request commit sends its guard statements through here).
   */
  async runStatementBatch(
    statements: readonly Statement[],
    options: TransactionOptions & PartOfOperation = {},
  ): Promise<RawResult[]> {
    this.checkOpen()
    const op = this.operation('batch', options)
    for (const s of statements) echoStatement(this.echo, s)
    try {
      const { timeout: _t, partOf: _p, ...txOptions } = options
      op.mayHaveCommitted = true
      return await op.race(
        this.adapter.batch(statements, {
          ...this.txOptions,
          ...txOptions,
          signal: op.signalFor(this.adapter),
        }),
      )
    } catch (err) {
      throw commitFailure(this.adapter, this.dialect, err, statements, op, this.echo.hideParameters)
    } finally {
      op.end()
    }
  }

  /** @internal The logging settings, for the ORM session. */
  get echoSettings(): EchoSettings {
    return this.echo
  }

  /** SqlRunner, so `metadata.createAll(engine)` works: each DDL statement commits by itself. */
  async runCompiled(stmt: CompiledStatement): Promise<{ rows: readonly (readonly unknown[])[] }> {
    echoStatement(this.echo, stmt)
    const op = this.operation('execute', undefined)
    try {
      return await op.race(this.adapter.execute(stmt, { signal: op.signalFor(this.adapter) }))
    } catch (err) {
      if (op.aborted) throw op.abortError(err)
      throw wrapError(this.adapter, this.dialect, err, stmt, this.echo.hideParameters)
    } finally {
      op.end()
    }
  }

  /**
   * Closes every connection, the engine's and its sessions'; the engine cannot be used
   * afterwards. A connection with an operation in flight gets up to `grace` ms (default: the
   * engine's timeout) to finish; then the operation is cut short and its connection discarded.
   * Every open transaction is rolled back. Resolves with how many connections were open and how
   * many had to be forced.
   */
  async dispose(options: { grace?: number | null } = {}): Promise<DisposeReport> {
    if (this.#disposed) return { connections: 0, forced: 0 }
    this.#disposed = true
    const open = [...this.#open]
    const grace =
      options.grace === undefined ? this.operationTimeout : (checkTimeout(options.grace, 'dispose()') ?? null)
    const clean = await Promise.all(open.map((c) => c.closeReport(grace).catch(() => false)))
    const forced = clean.filter((ok) => !ok).length
    await this.adapter.close({ force: true })
    if (forced > 0)
      this.echo.logger(
        `edgealchemy: dispose() cut short ${forced} connection(s) whose operation outlived the grace period`,
      )
    return { connections: open.length, forced }
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  private checkOpen(): void {
    if (this.#disposed) throw new InvalidRequestError('This engine was disposed')
  }
}

function isAdapter(value: unknown): value is Adapter {
  return (
    typeof value === 'object' &&
    value !== null &&
    'capabilities' in value &&
    'execute' in value &&
    'batch' in value
  )
}

/**
 * Creates an engine from an adapter, or from a URL and the adapter factories it may use (so
 * nothing unused is bundled).
 *
 * ```ts
 * createAsyncEngine(neonHttp(env.DATABASE_URL))
 * createAsyncEngine(env.DATABASE_URL, { adapters: [neonHttp, libsql] })
 * ```
 */
export function createAsyncEngine(target: Adapter | string, options: EngineOptions = {}): AsyncEngine {
  if (isAdapter(target)) return new AsyncEngine(target, options)
  if (typeof target !== 'string') throw new ArgumentError('createAsyncEngine() takes an adapter or a URL')
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(target)?.[1]?.toLowerCase()
  const factories = options.adapters ?? []
  const factory = factories.find((f) => scheme !== undefined && f.schemes.includes(scheme))
  if (factory === undefined) {
    const known = factories.flatMap((f) => f.schemes)
    throw new ArgumentError(
      known.length === 0
        ? 'createAsyncEngine(url) needs { adapters: [...] } listing the adapter factories it may use'
        : `No adapter for the URL scheme ${scheme ?? '(none)'}; the given adapters accept ${known.join(', ')}`,
    )
  }
  return new AsyncEngine(factory(target), options)
}
