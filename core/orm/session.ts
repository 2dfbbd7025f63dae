/**
 * AsyncSession: the public API of the identity map, the unit of work and the transaction of one
 * unit of work. It delegates: its state and machinery live in session-core.ts (held in a private
 * field, out of the published types), how a commit is sent in the commit strategy chosen once
 * from what the adapter offers (commit/strategy-for.ts). On neon-http, libsql and d1 (atomic
 * batches in one request) changes are held until `commit()`, which sends the whole flush as one
 * batch; on the WebSocket neon adapter and PlanetScale the session holds a real transaction.
 * See docs/ARCHITECTURE.md, "The session".
 * @module
 */
import type { AsyncEngine } from '../engine/engine.js'
import type { ExecuteArgs } from '../engine/execution.js'
import { checkTimeout, type OperationOptions } from '../engine/operation.js'
import type { StreamOptions } from '../engine/streaming.js'
import { ArgumentError, InvalidRequestError, UnsupportedCapabilityError } from '../errors.js'
import type { AsyncResult } from '../result/async-result.js'
import type { Result } from '../result/result.js'
import { Delete, Insert, Update } from '../sql/dml.js'
import { ClauseElement } from '../sql/elements.js'
import { Select as SelectClass, select } from '../sql/select.js'
import { checkIdempotencyKey, isCommitTokenTable } from './commit-tokens.js'
import { cascadeDelete } from './delete-cascade.js'
import { IdempotentCommits } from './idempotent-commits.js'
import type { IdentityKey, Mapper } from './mapper.js'
import { type MergeHost, mergeInto } from './merge.js'
import { executeOrmSelect } from './orm-execute.js'
import { executeOrmWrite } from './orm-writes.js'
import { type RunOptions, retryUnitOfWork } from './retry.js'
import { type CommitOutcome, commitPending, commitPlan, type FlushStats } from './session-commit.js'
import { SessionCore } from './session-core.js'
import type { RollbackFrame } from './session-objects.js'
import type { CommitOptions, CommitResult, GetOptions, SessionOptions } from './session-options.js'
import { identityHit, keyMatch, loadAttributes, streamObjects } from './session-reads.js'
import { runInTransaction, SessionTransaction } from './session-transaction.js'
import { type InstanceState, stateOf } from './state.js'

type RowOfStmt<S> = S extends { readonly __row: infer R } ? R : Record<string, unknown>

/**
 * A unit of work over an engine.
 *
 * ```ts
 * await using session = new AsyncSession(engine)
 * session.add(new User({ name: 'Alice' }))
 * await session.commit()                          // one atomic request on neon-http, libsql, d1
 * const alice = await session.get(User, 1)        // from the identity map: no I/O
 * ```
 */
export class AsyncSession {
  readonly autoflush: boolean
  readonly expireOnCommit: boolean
  /** The session's state and machinery: connection, operation, failure, held writes, strategy. */
  readonly #core: SessionCore
  #closing: Promise<void> | undefined
  /** Statements of the last commit or flush, for tests and logs: requests sent, statements run. */
  lastFlush: FlushStats = { requests: 0, statements: 0 }

  constructor(
    readonly bind: AsyncEngine,
    options: SessionOptions = {},
  ) {
    if (bind === undefined || typeof (bind as { connect?: unknown }).connect !== 'function')
      throw new ArgumentError('AsyncSession(engine) takes an engine from createAsyncEngine()')
    this.autoflush = options.autoflush ?? true
    this.expireOnCommit = options.expireOnCommit ?? false
    const tokens: unknown = options.commitTokens === undefined ? bind.commitTokens : options.commitTokens
    if (tokens !== null && tokens !== undefined && !isCommitTokenTable(tokens))
      throw new ArgumentError('commitTokens takes the table commitTokenTable(metadata) returns, or null')
    this.#core = new SessionCore(this, bind, new IdempotentCommits(tokens ?? undefined), options.timeout)
  }

  /** Runs `fn` as one operation of the session (see SessionCore.operate). */
  private operate<T>(name: string, options: OperationOptions | undefined, fn: () => Promise<T>): Promise<T> {
    return this.#core.operate(name, options, fn)
  }

  // ---- what an object's state asks of the session it belongs to (state.ts SessionLink) --------
  // internal (left out of the published types): the class therefore does not name SessionLink

  /** @internal */
  markDirty(state: InstanceState): void {
    this.#core.objects.markDirty(state)
  }

  /** @internal */
  cascadeAdd(state: InstanceState): void {
    if (state.session !== this) this.#core.objects.add(state)
  }
  /** @internal */
  recordForRollback(state: InstanceState, key: string, value: unknown, loaded: boolean): void {
    this.#core.objects.recordForRollback(state, key, value, loaded)
  }
  /** @internal */
  lookupIdentity(key: IdentityKey): object | undefined {
    return this.#core.objects.identity.get(key)?.obj
  }

  // ---- state -------------------------------------------------------------------------------

  /** Objects added and not yet flushed. */
  get new(): ReadonlySet<object> {
    return new Set([...this.#core.objects.pending].map((s) => s.obj))
  }
  /** Persistent objects with attributes changed since the last flush. */
  get dirty(): ReadonlySet<object> {
    return new Set(
      [...this.#core.objects.dirty].filter((s) => s.modified && s.session === this).map((s) => s.obj),
    )
  }
  /** Objects marked for deletion and not yet flushed. */
  get deleted(): ReadonlySet<object> {
    return new Set([...this.#core.objects.deleted].map((s) => s.obj))
  }
  /** True when the object has column changes not yet flushed (values that differ, not just assignments). */
  isModified(obj: object): boolean {
    const state = this.stateFor(obj, 'isModified')
    if (state.key === undefined) return state.session === this
    if (state.changedKeys().length > 0) return true
    return state.mapper.relationshipList.some((rel) => state.committed.has(rel.key))
  }
  /** True when the object belongs to this session. */
  contains(obj: object): boolean {
    return stateOf(obj)?.session === this
  }
  /** Every object in the identity map. */
  get identityMap(): ReadonlyMap<IdentityKey, object> {
    return new Map([...this.#core.objects.identity].map(([k, s]) => [k, s.obj]))
  }
  /** True while a transaction (or changes waiting for commit) is open. */
  inTransaction(): boolean {
    return (
      this.#core.conn?.inTransaction() === true ||
      this.#core.hasChanges() ||
      this.#core.explicit !== undefined
    )
  }

  private stateFor(obj: unknown, what: string): InstanceState {
    const state = stateOf(obj)
    if (state === undefined)
      throw new ArgumentError(
        `${what}() takes an object of a mapped class, got ${obj === null ? 'null' : typeof obj}`,
      )
    return state
  }

  /** Adds an object (and, through save-update cascades, the objects it refers to). */
  add(obj: object): void {
    this.#core.checkUsable()
    this.#core.objects.add(this.stateFor(obj, 'add'))
  }
  /** Adds several objects. */
  addAll(objs: Iterable<object>): void {
    for (const o of objs) this.add(o)
  }

  /**
   * Marks an object for deletion at the next flush; cascades `delete` to related objects,
   * loading unloaded ones first (hence async).
   */
  async delete(obj: object, options?: OperationOptions): Promise<void> {
    this.#core.checkUsable()
    const state = this.stateFor(obj, 'delete')
    if (state.key === undefined)
      throw new InvalidRequestError(
        `This ${state.mapper.name} is not persisted; expunge() it instead of delete()`,
      )
    await this.operate('delete', options, async () => {
      if (state.session !== this) this.#core.objects.add(state)
      await cascadeDelete(this.#core.reads, this.#core.objects, state)
    })
  }

  /** Removes an object from the session without deleting it (it becomes detached, or transient if new). */
  expunge(obj: object): void {
    const state = this.stateFor(obj, 'expunge')
    if (state.session !== this)
      throw new InvalidRequestError(`This ${state.mapper.name} is not in this session`)
    this.#core.objects.expungeCascade(state, new Set())
  }

  /** Removes every object from the session. */
  expungeAll(): void {
    this.#core.objects.forgetAll()
  }

  // ---- queries -----------------------------------------------------------------------------

  /** Flushes before a query where the adapter allows an early flush (never on neon-http and d1). */
  private async autoflushNow(): Promise<void> {
    if (!this.autoflush || this.#core.flushing || !this.#core.hasChanges()) return
    if (!this.#core.strategy.flushesEarly) return
    await this.#core.flush()
  }

  /**
   * Runs a statement. A select of mapped classes gives rows holding objects (through the
   * identity map); anything else runs as with a connection. Writes (insert/update/delete) run in
   * the session's transaction: `execute(insert(User), [rows])` is a bulk INSERT,
   * `execute(update(User), [rows])` a bulk UPDATE by primary key, and an UPDATE/DELETE with
   * criteria keeps the identity map in step (`executionOptions({ synchronizeSession })`). On
   * neon-http and d1, which cannot hold a transaction open, writes are held and sent by
   * `commit()` in its atomic batch: their result says nothing yet (`rowsAffected` is -1).
   */
  async execute<S extends ClauseElement>(
    stmt: S,
    params?: ExecuteArgs,
    options?: OperationOptions,
  ): Promise<Result<RowOfStmt<S>>> {
    this.#core.checkUsable()
    if (!(stmt instanceof ClauseElement))
      throw new ArgumentError(
        typeof stmt === 'string'
          ? 'execute() takes a statement; wrap raw SQL in text()'
          : 'execute() takes a statement',
      )
    return this.operate('execute', options, () => this.executeNow(stmt, params))
  }

  private async executeNow<S extends ClauseElement>(
    stmt: S,
    params?: ExecuteArgs,
  ): Promise<Result<RowOfStmt<S>>> {
    // a write (or text that may write) in an open transaction is part of what a commit ends
    if (!(stmt instanceof SelectClass) && this.#core.strategy.flushesEarly) this.#core.wroteEarly = true
    if (stmt instanceof Insert || stmt instanceof Update || stmt instanceof Delete) {
      await this.autoflushNow()
      return executeOrmWrite(this.#core.writes, stmt, params)
    }
    await this.autoflushNow()
    if (stmt instanceof SelectClass) {
      const result = await executeOrmSelect(this.#core.reads, stmt, params)
      if (result !== undefined) return result as Result<RowOfStmt<S>>
    }
    return this.#core.runRead(stmt, params)
  }

  /** The first column of the first row. */
  async scalar<S extends ClauseElement>(
    stmt: S,
    params?: ExecuteArgs,
    options?: OperationOptions,
  ): Promise<unknown> {
    return (await this.execute(stmt, params, options)).scalar()
  }
  /** The first column of every row (objects for `select(User)`). */
  async scalars<S extends ClauseElement>(stmt: S, params?: ExecuteArgs, options?: OperationOptions) {
    return (await this.execute(stmt, params, options)).scalars()
  }

  /**
   * The object with this primary key: from the identity map without I/O when it is there and
   * loaded, else with a SELECT; null when no row has the key.
   */
  async get<T>(
    cls: abstract new (...args: any[]) => T,
    ident: unknown,
    options: GetOptions = {},
  ): Promise<T | null> {
    this.#core.checkUsable()
    // an object already loaded in the identity map is the answer without I/O: no operation to
    // set up, but the same refusal while another call is in flight
    this.#core.gate.check('get')
    if (options.timeout !== undefined) checkTimeout(options.timeout, 'get()')
    const { mapper, pk, hit } = identityHit(this.#core.objects, cls, ident, options)
    if (hit !== undefined) return hit
    return this.operate('get', options, () => this.getNow(mapper, pk, options) as Promise<T | null>)
  }

  private async getNow(mapper: Mapper, pk: readonly unknown[], options: GetOptions): Promise<object | null> {
    let stmt = select(mapper.cls as never).where(keyMatch(mapper, pk))
    if (options.populateExisting) stmt = stmt.executionOptions({ populateExisting: true })
    const result = await this.executeNow(stmt)
    return (result.scalars().first() as object | null) ?? null
  }

  /** `get()` inside another operation (merge): the identity map, else a SELECT. */
  private async getWithin(
    cls: abstract new (...args: any[]) => unknown,
    ident: unknown,
  ): Promise<object | null> {
    const { mapper, pk, hit } = identityHit(this.#core.objects, cls, ident, {})
    if (hit !== undefined) return hit as object | null
    return this.getNow(mapper, pk, {})
  }

  /**
   * Streams a select: objects go through the identity map chunk by chunk (`yieldPer` or
   * `{ chunkSize }`), and the clean objects of each chunk leave the map once the stream moves on.
   * On neon-http and d1 the stream reads pages (the select needs an ORDER BY on a unique key).
   */
  async stream<S extends ClauseElement>(
    stmt: S,
    options: StreamOptions = {},
  ): Promise<AsyncResult<RowOfStmt<S>>> {
    this.#core.checkUsable()
    return this.operate('stream', options, async () => {
      await this.autoflushNow()
      const conn = this.#core.conn !== undefined && !this.#core.conn.closed ? this.#core.conn : undefined
      const step = <T>(fn: () => Promise<T>) =>
        this.operate('stream iteration', { timeout: options.timeout }, fn)
      const { timeout: _t, signal: _s, ...streamOptions } = options
      return streamObjects(this.#core.reads, conn, stmt, streamOptions, step) as Promise<
        AsyncResult<RowOfStmt<S>>
      >
    })
  }

  /**
   * Reloads an object's attributes from the database (all columns, or the named attributes,
   * relationships included). Unflushed changes to those attributes are discarded.
   */
  async refresh(obj: object, attributeNames?: readonly string[], options?: OperationOptions): Promise<void> {
    this.#core.checkUsable()
    const state = this.stateFor(obj, 'refresh')
    if (state.session !== this || state.key === undefined)
      throw new InvalidRequestError(`This ${state.mapper.name} is not persistent within this session`)
    await this.operate('refresh', options, () =>
      loadAttributes(this.#core.reads, state, attributeNames ?? state.mapper.columnKeys, true),
    )
  }

  /** @internal Loads attributes of a persistent object (`awaitableAttrs`), as one operation. */
  async loadAttributes(state: InstanceState, keys: readonly string[], force = false): Promise<void> {
    await this.operate('awaitableAttrs', undefined, () =>
      loadAttributes(this.#core.reads, state, keys, force),
    )
  }

  /**
   * Copies the state of an object (usually detached) onto the persistent object with the same key,
   * loading it if needed, or onto a new pending object; returns that object.
   */
  async merge<T extends object>(obj: T, options: { load?: boolean } & OperationOptions = {}): Promise<T> {
    this.#core.checkUsable()
    const state = this.stateFor(obj, 'merge')
    return this.operate(
      'merge',
      options,
      async () => (await mergeInto(this.mergeHost(), state, options.load ?? true, new Map())) as T,
    )
  }

  private mergeHost(): MergeHost {
    return {
      session: this,
      lookup: (key) => this.#core.objects.identity.get(key)?.obj,
      load: (cls, pk) => this.getWithin(cls as never, pk),
      add: (obj) => this.add(obj),
    }
  }

  // ---- flush and transactions -----------------------------------------------------------------

  /**
   * Writes pending changes inside the session's transaction. Only where the adapter holds a
   * transaction open: on neon-http and d1 use `commit()`, which sends everything as one batch.
   */
  async flush(options?: OperationOptions): Promise<void> {
    this.#core.checkUsable()
    if (!this.#core.strategy.flushesEarly)
      throw new UnsupportedCapabilityError(
        `${this.bind.adapter.name} cannot hold a transaction open between requests, so the session cannot flush ` +
          'before commit(). Call commit(): it sends every change as one atomic batch',
      )
    await this.operate('flush', options, () => this.#core.flush())
  }

  /**
   * Commits: flushes what is pending and ends the transaction (one atomic batch where the adapter
   * allows). When no answer says whether the commit was applied, raises
   * `CommitOutcomeUnknownError` and keeps the changes pending, so the caller can look at the
   * database and decide; it is never retried by itself. With `commitTokens`, calling `commit()`
   * again is that decision: it writes only if the first attempt did not (see {@link CommitResult}).
   */
  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    const key = options.idempotencyKey === undefined ? undefined : checkIdempotencyKey(options.idempotencyKey)
    if (key !== undefined && this.#core.idempotent.table === undefined)
      throw new ArgumentError(
        "commit({ idempotencyKey }) needs the session's commit token table: new AsyncSession(engine, " +
          '{ commitTokens: commitTokenTable(metadata) }) (or the engine or sessionmaker option of that name)',
      )
    if (!this.#core.idempotent.retrying) this.#core.checkUsable()
    return this.operate('commit', options, () => this.commitNow(key, key !== undefined))
  }

  /** True when this session's commits write a commit token (its `commitTokens` option or the engine's). */
  get idempotent(): boolean {
    return this.#core.idempotent.table !== undefined
  }

  /** True after `CommitOutcomeUnknownError` on a session with commit tokens: `commit()` again is safe. */
  get commitOutcomeUnknown(): boolean {
    return this.#core.idempotent.retrying
  }

  /** @internal `commit()` with the token of a `run()`: looked up first when `check`. */
  commitWithToken(
    value: string | undefined,
    check: boolean,
    options?: OperationOptions,
  ): Promise<CommitResult> {
    if (!this.#core.idempotent.retrying) this.#core.checkUsable()
    return this.operate('commit', options, () => this.commitNow(value, check))
  }

  /**
   * Commits with `value` as the token (a key, or the run's token; by default a new one), looked
   * up first when `check` (or when retrying this session's commit of unknown outcome).
   */
  private async commitNow(value?: string, check = false): Promise<CommitResult> {
    const idempotent = this.#core.idempotent
    if (!idempotent.retrying) this.#core.checkUsable()
    else {
      // the retry of a commit of unknown outcome: its connection is gone, its plan and token kept
      await this.#core.dropConnection()
      this.#core.failed = undefined
    }
    const host = this.#core
    const plan = idempotent.plan ?? commitPlan(host)
    const token = idempotent.token(value, check)
    let outcome: CommitOutcome
    try {
      outcome = await commitPending(host, this.#core.strategy, plan, token)
    } catch (err) {
      idempotent.failed(err, token, plan)
      throw err
    }
    idempotent.settle()
    if (outcome === 'discard') {
      await this.#core.rollback()
      this.#core.objects.expireAll()
      return { replayed: true }
    }
    await this.#core.endTransaction()
    this.#core.afterCommit(this.expireOnCommit)
    return { replayed: outcome === 'replayed' }
  }

  /**
   * Runs a unit of work and commits it, again from the start (after `rollback()`, with a backoff)
   * when it fails with a retryable error (`isRetryable`: a serialization failure, a deadlock, a
   * busy database, a connection that failed before sending) or a `StaleDataError` (a versioned
   * row changed since it was read: optimistic concurrency). After `CommitOutcomeUnknownError`
   * it retries only where the commit is idempotent (the session's `commitTokens`): then the
   * token decides, so the work is applied once. `fn` must do the whole unit of work (its reads
   * too): it may run several times. The session must have nothing pending when it starts.
   *
   * ```ts
   * const total = await session.run(async (s) => {
   *   const account = await s.get(Account, id)
   *   account!.balance += 10
   *   return account!.balance
   * }, { retries: 3 })
   * ```
   */
  async run<T>(fn: (session: this) => Promise<T>, options: RunOptions = {}): Promise<T> {
    return retryUnitOfWork(this, fn, options)
  }

  /**
   * Rolls back: the database transaction (if one is open) and the objects in memory: new
   * objects leave the session, deleted ones come back, changed attributes get their values back.
   */
  async rollback(options?: OperationOptions): Promise<void> {
    await this.operate('rollback', options, () => this.#core.rollback())
  }

  /**
   * Begins the session's transaction. With a callback: runs it, commits, and rolls back if it
   * throws. Without: returns the transaction; `await using` rolls it back unless committed.
   */
  async begin(): Promise<SessionTransaction<this>>
  async begin<T>(fn: (session: this) => Promise<T>): Promise<T>
  async begin<T>(fn?: (session: this) => Promise<T>): Promise<T | SessionTransaction<this>> {
    this.#core.checkUsable()
    const tx = await this.operate('begin', undefined, async () => {
      if (this.#core.explicit !== undefined)
        throw new InvalidRequestError('A transaction is already begun on this session')
      const tx = new SessionTransaction(this, undefined)
      this.#core.explicit = tx
      return tx
    })
    return fn === undefined ? tx : runInTransaction(tx, () => fn(this))
  }

  /**
   * A savepoint: flushes, then `SAVEPOINT`. Its rollback undoes the database and in-memory
   * changes made since. Needs interactive transactions and savepoints (not neon-http or d1).
   */
  async beginNested(): Promise<SessionTransaction<this>>
  async beginNested<T>(fn: (session: this) => Promise<T>): Promise<T>
  async beginNested<T>(fn?: (session: this) => Promise<T>): Promise<T | SessionTransaction<this>> {
    this.#core.checkUsable()
    if (!this.#core.strategy.savepoints)
      throw new UnsupportedCapabilityError(
        `${this.bind.adapter.name} has no savepoints inside a transaction; use separate commits or engine.batch()`,
      )
    const tx = await this.operate(
      'beginNested',
      undefined,
      async () => new SessionTransaction(this, await this.#core.beginSavepoint()),
    )
    return fn === undefined ? tx : runInTransaction(tx, () => fn(this))
  }

  /** @internal Ends a savepoint frame (SessionTransaction). */
  async endNested(
    frame: RollbackFrame,
    commit: boolean,
    savepoint: { commit(): Promise<void>; rollback(): Promise<void> },
  ): Promise<void> {
    await this.operate(commit ? 'commit' : 'rollback', undefined, () =>
      this.#core.endSavepoint(frame, commit, savepoint),
    )
  }

  /** @internal Ends the explicit transaction (SessionTransaction). */
  async endExplicit(commit: boolean): Promise<void> {
    if (commit) await this.commit()
    else await this.rollback()
    this.#core.explicit = undefined
  }

  /**
   * Rolls back what is not committed and empties the session; it can be used again afterwards.
   * Not a concurrent call: it waits for the operation in flight (at most its timeout, then cuts
   * it short), so `await using` around a `return session.get(...)` never leaves a transaction open.
   */
  async close(): Promise<void> {
    this.#closing ??= this.closeNow().finally(() => {
      this.#closing = undefined
    })
    return this.#closing
  }

  private async closeNow(): Promise<void> {
    const gate = this.#core.gate
    await gate.drain(this.#core.defaultTimeout)
    const op = gate.seize('close', this.#core.defaultTimeout)
    try {
      await this.#core.close()
    } finally {
      gate.leave(op)
    }
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
