/**
 * AsyncSession: the identity map, the unit of work and the transaction of one unit of work,
 * mapped onto what the adapter offers. On neon-http, libsql and d1 (atomic batches in one
 * request) changes are held until `commit()`, which sends the whole flush as one batch; on the
 * WebSocket neon adapter and PlanetScale the session holds a real transaction.
 * @module
 */
import type { AsyncConnection } from '../engine/connection.js'
import type { AsyncEngine } from '../engine/engine.js'
import type { ExecuteArgs } from '../engine/execution.js'
import {
  checkTimeout,
  type Operation,
  OperationGate,
  type OperationOptions,
  type PartOfOperation,
} from '../engine/operation.js'
import type { StreamOptions } from '../engine/streaming.js'
import {
  ArgumentError,
  CommitOutcomeUnknownError,
  InvalidRequestError,
  PendingRollbackError,
  UnsupportedCapabilityError,
} from '../errors.js'
import type { AsyncResult } from '../result/async-result.js'
import type { Result } from '../result/result.js'
import { Delete, Insert, Update } from '../sql/dml.js'
import { ClauseElement } from '../sql/elements.js'
import { Select as SelectClass, select } from '../sql/select.js'
import { checkIdempotencyKey, isCommitTokenTable } from './commit-tokens.js'
import { cascadeDelete } from './delete-cascade.js'
import { HeldWrites } from './held-writes.js'
import { IdempotentCommits } from './idempotent-commits.js'
import { type IdentityKey, type Mapper, mapperOf } from './mapper.js'
import { type MergeHost, mergeInto } from './merge.js'
import { executeOrmSelect } from './orm-execute.js'
import { executeOrmWrite, type WriteHost } from './orm-writes.js'
import { type RunOptions, retryUnitOfWork } from './retry.js'
import {
  type CommitHost,
  type CommitOutcome,
  commitPending,
  commitPlan,
  type FlushStats,
  flushPlan,
  pendingPlan,
} from './session-commit.js'
import { newFrame, type RollbackFrame, SessionObjects } from './session-objects.js'
import type { CommitOptions, CommitResult, GetOptions, SessionOptions } from './session-options.js'
import { keyMatch, loadAttributes, normalizeIdent, streamObjects } from './session-reads.js'
import { runInTransaction, SessionTransaction } from './session-transaction.js'
import { type InstanceState, type SessionLink, stateOf } from './state.js'
import { isEmptyPlan } from './unit-of-work.js'

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
export class AsyncSession implements SessionLink {
  readonly autoflush: boolean
  readonly expireOnCommit: boolean
  /** @internal The identity map, new/dirty/deleted sets and rollback frames. */
  readonly objects = new SessionObjects(this)
  #conn: AsyncConnection | undefined
  #failed: unknown
  #bulkWrites = false
  /** Writes given to execute() on batch-only adapters, sent by commit(). */
  readonly #held = new HeldWrites()
  #flushing = false
  #explicit: SessionTransaction | undefined
  /** One operation at a time (see {@link ConcurrentOperationError}). */
  readonly #gate = new OperationGate('session')
  /** The operation in flight: its signal goes to every request it makes. */
  #op: Operation | undefined
  #closing: Promise<void> | undefined
  readonly #timeout: number | null | undefined
  readonly #idempotent: IdempotentCommits
  /** The open transaction wrote before the commit (a flush, a write through execute()). */
  #wroteEarly = false
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
    this.#timeout = options.timeout
    const tokens: unknown = options.commitTokens === undefined ? bind.commitTokens : options.commitTokens
    if (tokens !== null && tokens !== undefined && !isCommitTokenTable(tokens))
      throw new ArgumentError('commitTokens takes the table commitTokenTable(metadata) returns, or null')
    this.#idempotent = new IdempotentCommits(tokens ?? undefined)
  }

  /** The default operation timeout: the session's, else the engine's. */
  private get defaultTimeout(): number | null {
    return this.#timeout !== undefined ? this.#timeout : this.bind.operationTimeout
  }

  /**
   * Runs `fn` as one operation of the session: refused with `ConcurrentOperationError` while
   * another is in flight; bounded by its timeout; its signal reaches every request it makes.
   */
  private async operate<T>(
    name: string,
    options: OperationOptions | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const op = this.#gate.enter(name, options, this.defaultTimeout)
    this.#op = op
    this.#conn?.adopt(op)
    try {
      return await fn()
    } catch (err) {
      throw op.aborted && !(err instanceof CommitOutcomeUnknownError) ? op.abortError(err) : err
    } finally {
      this.#op = undefined
      this.#conn?.adopt(undefined)
      this.#gate.leave(op)
    }
  }

  /** Options for engine calls made on behalf of the operation in flight. */
  private opOptions(): PartOfOperation | undefined {
    const op = this.#op
    return op === undefined ? undefined : { partOf: op }
  }

  /** Options for a cleanup (rollback after a failure): a fresh time limit, not the failed operation's. */
  private cleanupOptions(): OperationOptions {
    return { timeout: this.defaultTimeout }
  }

  private get caps() {
    return this.bind.adapter.capabilities
  }
  /** One-request atomic batches: the commit is one batch (neon-http, libsql, d1). */
  private get batchCommit(): boolean {
    return this.caps.atomicBatch && this.caps.batchRoundTrips === 'one'
  }

  // ---- SessionLink -------------------------------------------------------------------------

  /** @internal */
  markDirty(state: InstanceState): void {
    this.objects.markDirty(state)
  }

  /** @internal */
  cascadeAdd(state: InstanceState): void {
    if (state.session !== this) this.objects.add(state)
  }
  /** @internal */
  recordForRollback(state: InstanceState, key: string, value: unknown, loaded: boolean): void {
    this.objects.recordForRollback(state, key, value, loaded)
  }
  /** @internal */
  lookupState(key: IdentityKey): InstanceState | undefined {
    return this.objects.identity.get(key)
  }
  /** @internal */
  lookupIdentity(key: IdentityKey): object | undefined {
    return this.objects.identity.get(key)?.obj
  }
  /** @internal */
  attachLoaded(state: InstanceState): void {
    state.session = this
    this.objects.identity.set(state.key!, state)
  }
  /** @internal The adapter's parameter limit, for loaders. */
  get maxParams(): number {
    return this.caps.maxParams
  }

  // ---- state -------------------------------------------------------------------------------

  /** Objects added and not yet flushed. */
  get new(): ReadonlySet<object> {
    return new Set([...this.objects.pending].map((s) => s.obj))
  }
  /** Persistent objects with attributes changed since the last flush. */
  get dirty(): ReadonlySet<object> {
    return new Set([...this.objects.dirty].filter((s) => s.modified && s.session === this).map((s) => s.obj))
  }
  /** Objects marked for deletion and not yet flushed. */
  get deleted(): ReadonlySet<object> {
    return new Set([...this.objects.deleted].map((s) => s.obj))
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
    return new Map([...this.objects.identity].map(([k, s]) => [k, s.obj]))
  }
  /** True while a transaction (or changes waiting for commit) is open. */
  inTransaction(): boolean {
    return this.#conn?.inTransaction() === true || this.hasChanges() || this.#explicit !== undefined
  }
  private hasChanges(): boolean {
    return this.#held.size > 0 || this.objects.hasChanges()
  }

  private checkUsable(): void {
    if (this.#failed === undefined) return
    if (this.#failed instanceof CommitOutcomeUnknownError && this.#idempotent.retrying)
      throw new PendingRollbackError(
        "This session's last commit may or may not have been applied (CommitOutcomeUnknownError); its changes " +
          'are still pending in the session. Call commit() again (its token makes it write only if the first ' +
          'attempt did not) or rollback() before using the session again',
        { cause: this.#failed },
      )
    if (this.#failed instanceof CommitOutcomeUnknownError)
      throw new PendingRollbackError(
        "This session's last commit may or may not have been applied (CommitOutcomeUnknownError); its changes " +
          'are still pending in the session. Look at the database, then call rollback() before using the session again',
        { cause: this.#failed },
      )
    throw new PendingRollbackError(
      `This session's transaction failed (${errorText(this.#failed)}); call rollback() before using the session again`,
      { cause: this.#failed },
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
    this.checkUsable()
    this.objects.add(this.stateFor(obj, 'add'))
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
    this.checkUsable()
    const state = this.stateFor(obj, 'delete')
    if (state.key === undefined)
      throw new InvalidRequestError(
        `This ${state.mapper.name} is not persisted; expunge() it instead of delete()`,
      )
    await this.operate('delete', options, async () => {
      if (state.session !== this) this.objects.add(state)
      await cascadeDelete(this, this.objects, state)
    })
  }

  /** Removes an object from the session without deleting it (it becomes detached, or transient if new). */
  expunge(obj: object): void {
    const state = this.stateFor(obj, 'expunge')
    if (state.session !== this)
      throw new InvalidRequestError(`This ${state.mapper.name} is not in this session`)
    this.objects.expungeCascade(state, new Set())
  }

  /** Removes every object from the session. */
  expungeAll(): void {
    this.objects.forgetAll()
  }

  // ---- queries -----------------------------------------------------------------------------

  private async connection(): Promise<AsyncConnection> {
    if (this.#conn === undefined || this.#conn.closed) {
      this.#conn = await this.bind.connect()
      this.#conn.adopt(this.#op)
    }
    return this.#conn
  }

  /** @internal Runs a read: in the session's transaction where one is open, else on its own (batch adapters). */
  async runRead(stmt: ClauseElement, params?: ExecuteArgs): Promise<Result<any>> {
    if (this.#conn !== undefined && !this.#conn.closed) return this.#conn.execute(stmt, params)
    if (this.batchCommit) return this.bind.execute(stmt, params, this.opOptions())
    return (await this.connection()).execute(stmt, params)
  }

  /** Flushes before a query where the adapter allows an early flush (never on neon-http and d1). */
  private async autoflushNow(): Promise<void> {
    if (!this.autoflush || this.#flushing || !this.hasChanges()) return
    if (!this.caps.interactiveTransactions) return
    await this.flushNow()
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
    this.checkUsable()
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
    if (!(stmt instanceof SelectClass) && this.caps.interactiveTransactions) this.#wroteEarly = true
    if (stmt instanceof Insert || stmt instanceof Update || stmt instanceof Delete) {
      await this.autoflushNow()
      return executeOrmWrite(this.writeHost(), stmt, params)
    }
    await this.autoflushNow()
    if (stmt instanceof SelectClass) {
      const result = await executeOrmSelect(this, stmt, params)
      if (result !== undefined) return result as Result<RowOfStmt<S>>
    }
    return this.runRead(stmt, params)
  }

  private writeHost(): WriteHost {
    return {
      dialect: this.bind.dialect,
      capabilities: this.caps,
      adapterName: this.bind.adapter.name,
      held: this.#held,
      connection: () => this.connection(),
      runRead: (stmt, params) => this.runRead(stmt, params),
      noteBulkWrite: () => {
        this.#bulkWrites = true
      },
      markFailed: (err) => {
        this.#failed ??= err
      },
      identityStates: () => this.objects.identity.values(),
      lookupState: (key) => this.objects.identity.get(key),
      recordForRollback: (state, key, value, loaded) => this.recordForRollback(state, key, value, loaded),
      noteDeletedByWrite: (state) => this.noteDeletedByWrite(state),
    }
  }

  /**
   * A write given to execute() deleted this object's row: deleted now, detached at commit. A write
   * held for commit leaves it in the identity map until then, so `get()` answers null, not the row.
   */
  private noteDeletedByWrite(state: InstanceState): void {
    if (state.session !== this || state.deletedFlushed) return
    state.deletedFlushed = true
    state.markedDeleted = false
    this.objects.deleted.delete(state)
    this.objects.dirty.delete(state)
    const held = !this.caps.interactiveTransactions
    if (!held && state.key !== undefined && this.objects.identity.get(state.key) === state)
      this.objects.identity.delete(state.key)
    this.objects.flushedDeletes.add(state)
    for (const f of this.objects.frames) f.deleted.add(state)
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
    this.checkUsable()
    // an object already loaded in the identity map is the answer without I/O: no operation to
    // set up, but the same refusal while another call is in flight
    this.#gate.check('get')
    if (options.timeout !== undefined) checkTimeout(options.timeout, 'get()')
    const { mapper, pk, hit } = this.lookup(cls, ident, options)
    if (hit !== undefined) return hit
    return this.operate('get', options, () => this.getNow(mapper, pk, options) as Promise<T | null>)
  }

  /** The identity map's answer to a get, when it has one without I/O (`null`: deleted or another class). */
  private lookup<T>(cls: abstract new (...args: any[]) => T, ident: unknown, options: GetOptions) {
    const mapper = mapperOf(cls)
    const pk = normalizeIdent(mapper, ident)
    const key = mapper.identityKey(pk)
    if (key === undefined)
      throw new ArgumentError(`get(${mapper.name}) needs a value for every primary key column`)
    const found = this.objects.identity.get(key)
    let hit: T | null | undefined
    if (found !== undefined && !options.populateExisting) {
      if (found.markedDeleted || found.deletedFlushed || !found.mapper.isA(mapper)) hit = null
      else if (mapper.columnKeys.every((k) => k in found.dict)) hit = found.obj as T
    }
    return { mapper, pk, hit }
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
    const { mapper, pk, hit } = this.lookup(cls, ident, {})
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
    this.checkUsable()
    return this.operate('stream', options, async () => {
      await this.autoflushNow()
      const conn = this.#conn !== undefined && !this.#conn.closed ? this.#conn : undefined
      const step = <T>(fn: () => Promise<T>) =>
        this.operate('stream iteration', { timeout: options.timeout }, fn)
      const { timeout: _t, signal: _s, ...streamOptions } = options
      return streamObjects(this, conn, stmt, streamOptions, step) as Promise<AsyncResult<RowOfStmt<S>>>
    })
  }

  /**
   * Reloads an object's attributes from the database (all columns, or the named attributes,
   * relationships included). Unflushed changes to those attributes are discarded.
   */
  async refresh(obj: object, attributeNames?: readonly string[], options?: OperationOptions): Promise<void> {
    this.checkUsable()
    const state = this.stateFor(obj, 'refresh')
    if (state.session !== this || state.key === undefined)
      throw new InvalidRequestError(`This ${state.mapper.name} is not persistent within this session`)
    await this.operate('refresh', options, () =>
      loadAttributes(this, state, attributeNames ?? state.mapper.columnKeys, true),
    )
  }

  /** @internal Loads attributes of a persistent object (`awaitableAttrs`), as one operation. */
  async loadAttributes(state: InstanceState, keys: readonly string[], force = false): Promise<void> {
    await this.operate('awaitableAttrs', undefined, () => loadAttributes(this, state, keys, force))
  }

  /**
   * Copies the state of an object (usually detached) onto the persistent object with the same key,
   * loading it if needed, or onto a new pending object; returns that object.
   */
  async merge<T extends object>(obj: T, options: { load?: boolean } & OperationOptions = {}): Promise<T> {
    this.checkUsable()
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
      lookup: (key) => this.objects.identity.get(key)?.obj,
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
    this.checkUsable()
    if (!this.caps.interactiveTransactions)
      throw new UnsupportedCapabilityError(
        `${this.bind.adapter.name} cannot hold a transaction open between requests, so the session cannot flush ` +
          'before commit(). Call commit(): it sends every change as one atomic batch',
      )
    await this.operate('flush', options, () => this.flushNow())
  }

  private async flushNow(): Promise<void> {
    this.checkUsable()
    if (!this.caps.interactiveTransactions) return
    const host = this.commitHost()
    const plan = pendingPlan(host)
    if (isEmptyPlan(plan)) return
    this.#wroteEarly = true
    await flushPlan(host, plan)
  }

  /** What committing needs of the session (see session-commit.ts). */
  private commitHost(): CommitHost {
    const session = this
    return {
      session,
      bind: this.bind,
      objects: this.objects,
      held: this.#held,
      get openConnection() {
        return session.#conn !== undefined && !session.#conn.closed ? session.#conn : undefined
      },
      connection: () => this.connection(),
      markFailed: (err) => {
        this.#failed ??= err
      },
      partOf: () => this.opOptions(),
      cleanup: () => this.cleanupOptions(),
      get wroteEarly() {
        return session.#wroteEarly
      },
      get flushing() {
        return session.#flushing
      },
      set flushing(value: boolean) {
        session.#flushing = value
      },
      get lastFlush() {
        return session.lastFlush
      },
      set lastFlush(value: FlushStats) {
        session.lastFlush = value
      },
    }
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
    if (key !== undefined && this.#idempotent.table === undefined)
      throw new ArgumentError(
        "commit({ idempotencyKey }) needs the session's commit token table: new AsyncSession(engine, " +
          '{ commitTokens: commitTokenTable(metadata) }) (or the engine or sessionmaker option of that name)',
      )
    if (!this.#idempotent.retrying) this.checkUsable()
    return this.operate('commit', options, () => this.commitNow(key, key !== undefined))
  }

  /** True when this session's commits write a commit token (its `commitTokens` option or the engine's). */
  get idempotent(): boolean {
    return this.#idempotent.table !== undefined
  }

  /** True after `CommitOutcomeUnknownError` on a session with commit tokens: `commit()` again is safe. */
  get commitOutcomeUnknown(): boolean {
    return this.#idempotent.retrying
  }

  /** @internal `commit()` with the token of a `run()`: looked up first when `check`. */
  commitWithToken(
    value: string | undefined,
    check: boolean,
    options?: OperationOptions,
  ): Promise<CommitResult> {
    if (!this.#idempotent.retrying) this.checkUsable()
    return this.operate('commit', options, () => this.commitNow(value, check))
  }

  /**
   * Commits with `value` as the token (a key, or the run's token; by default a new one), looked
   * up first when `check` (or when retrying this session's commit of unknown outcome).
   */
  private async commitNow(value?: string, check = false): Promise<CommitResult> {
    const idempotent = this.#idempotent
    if (!idempotent.retrying) this.checkUsable()
    else {
      // the retry of a commit of unknown outcome: its connection is gone, its plan and token kept
      await this.dropConnection()
      this.#failed = undefined
    }
    const host = this.commitHost()
    const plan = idempotent.plan ?? commitPlan(host)
    const token = idempotent.token(value, check)
    let outcome: CommitOutcome
    try {
      outcome = await commitPending(host, plan, token)
    } catch (err) {
      idempotent.failed(err, token, plan)
      throw err
    }
    idempotent.settle()
    if (outcome === 'discard') {
      await this.rollbackNow()
      this.objects.expireAll()
      return { replayed: true }
    }
    await this.endTransaction()
    this.afterCommit()
    return { replayed: outcome === 'replayed' }
  }

  /** Rolls back and closes the session's connection (after a failure: errors are ignored). */
  private async dropConnection(): Promise<void> {
    const conn = this.#conn
    this.#conn = undefined
    if (conn === undefined) return
    conn.adopt(undefined)
    await conn.rollback(this.cleanupOptions()).catch(() => undefined)
    await conn.close().catch(() => undefined)
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

  private async endTransaction(): Promise<void> {
    const conn = this.#conn
    this.#conn = undefined
    this.#explicit = undefined
    this.#wroteEarly = false
    conn?.adopt(undefined)
    if (conn !== undefined) await conn.close()
  }

  private afterCommit(): void {
    this.objects.afterCommit(this.expireOnCommit)
    this.#bulkWrites = false
  }

  /**
   * Rolls back: the database transaction (if one is open) and the objects in memory: new
   * objects leave the session, deleted ones come back, changed attributes get their values back.
   */
  async rollback(options?: OperationOptions): Promise<void> {
    await this.operate('rollback', options, () => this.rollbackNow())
  }

  private async rollbackNow(): Promise<void> {
    const conn = this.#conn
    this.#conn = undefined
    this.#explicit = undefined
    this.#wroteEarly = false
    this.#idempotent.settle()
    if (conn !== undefined) {
      conn.adopt(undefined)
      await conn.rollback(this.cleanupOptions()).catch(() => undefined)
      await conn.close()
    }
    this.objects.restore(this.objects.frames[0]!)
    this.objects.frames = [newFrame()]
    this.#failed = undefined
    this.#held.clear()
    if (this.#bulkWrites) this.objects.expireAll()
    this.#bulkWrites = false
  }

  /**
   * Begins the session's transaction. With a callback: runs it, commits, and rolls back if it
   * throws. Without: returns the transaction; `await using` rolls it back unless committed.
   */
  async begin(): Promise<SessionTransaction<this>>
  async begin<T>(fn: (session: this) => Promise<T>): Promise<T>
  async begin<T>(fn?: (session: this) => Promise<T>): Promise<T | SessionTransaction<this>> {
    this.checkUsable()
    const tx = await this.operate('begin', undefined, async () => {
      if (this.#explicit !== undefined)
        throw new InvalidRequestError('A transaction is already begun on this session')
      const tx = new SessionTransaction(this, undefined)
      this.#explicit = tx
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
    this.checkUsable()
    if (!this.caps.interactiveTransactions || !this.caps.savepoints)
      throw new UnsupportedCapabilityError(
        `${this.bind.adapter.name} has no savepoints inside a transaction; use separate commits or engine.batch()`,
      )
    const tx = await this.operate('beginNested', undefined, async () => {
      await this.flushNow()
      const conn = await this.connection()
      const sp = await conn.beginNested()
      const frame = newFrame()
      this.objects.frames.push(frame)
      return new SessionTransaction(this, { savepoint: sp, frame })
    })
    return fn === undefined ? tx : runInTransaction(tx, () => fn(this))
  }

  /** @internal Ends a savepoint frame (SessionTransaction). */
  async endNested(
    frame: RollbackFrame,
    commit: boolean,
    savepoint: { commit(): Promise<void>; rollback(): Promise<void> },
  ): Promise<void> {
    await this.operate(commit ? 'commit' : 'rollback', undefined, async () => {
      if (commit) {
        await this.flushNow()
        await savepoint.commit()
      } else {
        await savepoint.rollback()
        this.objects.restore(frame)
        this.#failed = undefined
      }
      const i = this.objects.frames.indexOf(frame)
      if (i > 0) this.objects.frames.splice(i, 1)
    })
  }

  /** @internal Ends the explicit transaction (SessionTransaction). */
  async endExplicit(commit: boolean): Promise<void> {
    if (commit) await this.commit()
    else await this.rollback()
    this.#explicit = undefined
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
    await this.#gate.drain(this.defaultTimeout)
    const op = this.#gate.seize('close', this.defaultTimeout)
    try {
      const conn = this.#conn
      this.#conn = undefined
      this.#explicit = undefined
      this.#failed = undefined
      this.#held.clear()
      if (conn !== undefined) {
        conn.adopt(undefined)
        await conn.close()
      }
      this.expungeAll()
    } finally {
      this.#gate.leave(op)
    }
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}
