import type { Dialect } from '../dialects/dialect.js'
import { ArgumentError, InvalidRequestError } from '../errors.js'
import type { Result } from '../result/result.js'
import type { CompiledStatement, CompiledTemplate, ExecuteParams } from '../sql/compiled.js'
import type { Adapter, AdapterFactory, RawResult, Statement, TransactionOptions } from './adapter.js'
import { AsyncConnection, noInteractiveTransactions } from './connection.js'
import {
  type EchoSettings,
  type Executable,
  type ExecuteArgs,
  echoStatement,
  prepare,
  prepareOne,
  toResult,
  wrapError,
} from './execution.js'

/** Options of {@link createAsyncEngine}. */
export interface EngineOptions {
  /** Log every statement (with its parameters unless `hideParameters`). */
  echo?: boolean
  /** Where log lines go; `console.log` by default. */
  logger?: (line: string) => void
  /** Keep parameters out of logs and error objects. */
  hideParameters?: boolean
  /** Isolation level of transactions and batches, e.g. `'serializable'`. */
  isolationLevel?: string
  /** Adapter factories to choose from when the engine is created from a URL. */
  adapters?: readonly AdapterFactory[]
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
  #disposed = false

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
  }

  /** A new connection; close it (or `await using` it) when done. */
  async connect(): Promise<AsyncConnection> {
    this.checkOpen()
    return new AsyncConnection(this.adapter, this.dialect, this.echo, this.txOptions)
  }

  /**
   * Runs one statement on its own and commits it (the seed's `AsyncEngine.execute`). With a list
   * of parameter sets (executemany) every set runs and commits together, atomically: one batch
   * on batch-only adapters, one transaction elsewhere.
   */
  execute<S extends Executable>(stmt: S, params?: ExecuteArgs): Promise<Result<RowOfStmt<S>>> {
    // the common case (one parameter set) without async frames: the adapter's promise, chained
    if (Array.isArray(params)) return this.executeMany(stmt, params)
    let bound: Statement
    let template: CompiledTemplate
    try {
      this.checkOpen()
      ;({ template, statement: bound } = prepareOne(this.dialect, stmt, params as ExecuteParams | undefined))
      echoStatement(this.echo, bound)
    } catch (err) {
      return Promise.reject(err)
    }
    let pending: Promise<RawResult>
    try {
      pending = this.adapter.execute(bound)
    } catch (err) {
      return Promise.reject(wrapError(this.adapter, this.dialect, err, bound, this.echo.hideParameters))
    }
    return pending.then(
      (raw) => {
        try {
          return toResult<RowOfStmt<S>>(this.dialect, template, raw)
        } catch (err) {
          throw wrapError(this.adapter, this.dialect, err, bound, this.echo.hideParameters)
        }
      },
      (err) => {
        throw wrapError(this.adapter, this.dialect, err, bound, this.echo.hideParameters)
      },
    )
  }

  private async executeMany<S extends Executable>(
    stmt: S,
    params: ExecuteArgs,
  ): Promise<Result<RowOfStmt<S>>> {
    this.checkOpen()
    const { template, statements } = prepare(this.dialect, stmt, params)
    if (statements.length > 1) {
      const conn = await this.connect()
      try {
        const result = await conn.execute(stmt, params)
        await conn.commit()
        return result
      } finally {
        await conn.close()
      }
    }
    const bound = statements[0]!
    echoStatement(this.echo, bound)
    try {
      return toResult(this.dialect, template, await this.adapter.execute(bound))
    } catch (err) {
      throw wrapError(this.adapter, this.dialect, err, bound, this.echo.hideParameters)
    }
  }

  /** The first column of the first row of one statement. */
  async scalar<S extends Executable>(stmt: S, params?: ExecuteArgs): Promise<unknown> {
    return (await this.execute(stmt, params)).scalar()
  }

  /**
   * Runs `fn` in a transaction on a new connection: commits when it returns, rolls back when it
   * throws. Interactive adapters only; on batch-only adapters use {@link batch}.
   */
  async begin<T>(fn: (conn: AsyncConnection) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.checkOpen()
    if (!this.adapter.capabilities.interactiveTransactions) throw noInteractiveTransactions(this.adapter)
    const conn = await this.connect()
    try {
      const tx = await conn.begin(options)
      try {
        const out = await fn(conn)
        if (tx.isActive) await tx.commit()
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
  async batch(items: readonly BatchItem[], options: TransactionOptions = {}): Promise<Result[]> {
    this.checkOpen()
    if (items.length === 0) return []
    const prepared = items.map((item) => {
      const [stmt, params] = Array.isArray(item)
        ? (item as readonly [Executable, ExecuteParams])
        : [item as Executable, undefined]
      const p = prepare(this.dialect, stmt, params)
      return { template: p.template, stmt: p.statements[0]! }
    })
    for (const p of prepared) echoStatement(this.echo, p.stmt)
    try {
      const raws = await this.adapter.batch(
        prepared.map((p) => p.stmt),
        { ...this.txOptions, ...options },
      )
      return raws.map((raw, i) => toResult(this.dialect, prepared[i]!.template, raw))
    } catch (err) {
      throw wrapError(this.adapter, this.dialect, err, undefined, this.echo.hideParameters)
    }
  }

  /**
   * @internal Bound statements as one atomic batch, with logging and error translation (the ORM's
   * one-request commit sends its guard statements through here).
   */
  async runStatementBatch(
    statements: readonly Statement[],
    options: TransactionOptions = {},
  ): Promise<RawResult[]> {
    this.checkOpen()
    for (const s of statements) echoStatement(this.echo, s)
    try {
      return await this.adapter.batch(statements, { ...this.txOptions, ...options })
    } catch (err) {
      throw wrapError(this.adapter, this.dialect, err, undefined, this.echo.hideParameters)
    }
  }

  /** @internal The logging settings, for the ORM session. */
  get echoSettings(): EchoSettings {
    return this.echo
  }

  /** SqlRunner, so `metadata.createAll(engine)` works: each DDL statement commits by itself. */
  async runCompiled(stmt: CompiledStatement): Promise<{ rows: readonly (readonly unknown[])[] }> {
    echoStatement(this.echo, stmt)
    try {
      return await this.adapter.execute(stmt)
    } catch (err) {
      throw wrapError(this.adapter, this.dialect, err, stmt, this.echo.hideParameters)
    }
  }

  /** Closes every connection of the adapter; the engine cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    await this.adapter.close()
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
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
