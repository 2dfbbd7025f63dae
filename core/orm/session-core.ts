/**
 * The machinery behind `AsyncSession`'s public API: the connection it holds, the operation in
 * flight, the failure that needs `rollback()`, the writes held for commit and the commit
 * strategy, and the hosts the other session modules are handed (the commit path, ORM writes,
 * reads). Not exported from the package: the published `AsyncSession` holds it in a private
 * field. See docs/ARCHITECTURE.md, "The session".
 * @module
 */
import type { AsyncConnection } from '../engine/connection.js'
import type { AsyncEngine } from '../engine/engine.js'
import type { ExecuteArgs } from '../engine/execution.js'
import {
  type Operation,
  OperationGate,
  type OperationOptions,
  type PartOfOperation,
} from '../engine/operation.js'
import { CommitOutcomeUnknownError, PendingRollbackError } from '../errors.js'
import type { Result } from '../result/result.js'
import type { ClauseElement } from '../sql/elements.js'
import type { CommitHost, CommitStrategy, FlushStats } from './commit/strategy.js'
import { commitStrategyFor } from './commit/strategy-for.js'
import { HeldWrites } from './held-writes.js'
import type { IdempotentCommits } from './idempotent-commits.js'
import type { WriteHost } from './orm-writes.js'
import { pendingPlan } from './session-commit.js'
import { newFrame, type RollbackFrame, SessionObjects } from './session-objects.js'
import type { StreamHost } from './session-reads.js'
import type { NestedParts, SessionTransaction } from './session-transaction.js'
import type { SessionLink } from './state.js'
import { isEmptyPlan } from './unit-of-work.js'

/** What the core needs of its public session: the object states point at, and its statistics. */
export interface SessionFace extends SessionLink {
  lastFlush: FlushStats
}

/** The state and machinery of one session (`session`), implementing the commit path's host. */
export class SessionCore implements CommitHost {
  /** The identity map, new/dirty/deleted sets and rollback frames. */
  readonly objects: SessionObjects
  /** How changes reach the database, chosen once from what the adapter and dialect offer. */
  readonly strategy: CommitStrategy
  /** Writes given to execute() on batch-only adapters, sent by commit(). */
  readonly held = new HeldWrites()
  /** One operation at a time (see `ConcurrentOperationError`). */
  readonly gate = new OperationGate('session')
  /** What the read path (loaders, streams, refresh, delete cascades) needs of the session. */
  readonly reads: StreamHost
  /** What ORM writes given to execute() need of the session. */
  readonly writes: WriteHost
  conn: AsyncConnection | undefined
  /** The failure that makes the session need `rollback()`. */
  failed: unknown
  /** A bulk write through execute() ran: a rollback expires every object. */
  bulkWrites = false
  /** True while statements of a flush are out (autoflush must not start another). */
  flushing = false
  /** The open transaction wrote before the commit (a flush, a write through execute()). */
  wroteEarly = false
  /** The transaction `begin()` returned, until it ends. */
  explicit: SessionTransaction | undefined
  /** The operation in flight: its signal goes to every request it makes. */
  #op: Operation | undefined

  constructor(
    readonly session: SessionFace,
    readonly bind: AsyncEngine,
    readonly idempotent: IdempotentCommits,
    private readonly timeout: number | null | undefined,
  ) {
    this.objects = new SessionObjects(session)
    this.strategy = commitStrategyFor(bind)
    this.reads = {
      bind,
      objects: this.objects,
      maxParams: bind.adapter.capabilities.maxParams,
      runRead: (stmt, params) => this.runRead(stmt, params),
      lookupState: (key) => this.objects.identity.get(key),
      attachLoaded: (state) => this.objects.attachLoaded(state),
    }
    this.writes = {
      dialect: bind.dialect,
      capabilities: bind.adapter.capabilities,
      adapterName: bind.adapter.name,
      writesBeforeCommit: this.strategy.writesBeforeCommit,
      held: this.held,
      connection: () => this.connection(),
      runRead: (stmt, params) => this.runRead(stmt, params),
      noteBulkWrite: () => {
        this.bulkWrites = true
      },
      markFailed: (err) => this.markFailed(err),
      identityStates: () => this.objects.identity.values(),
      lookupState: (key) => this.objects.identity.get(key),
      recordForRollback: (state, key, value, loaded) =>
        this.objects.recordForRollback(state, key, value, loaded),
      noteDeletedByWrite: (state) => {
        if (state.session === session)
          this.objects.deletedByWrite(state, this.strategy.writesBeforeCommit !== 'transaction')
      },
    }
  }

  get lastFlush(): FlushStats {
    return this.session.lastFlush
  }
  set lastFlush(value: FlushStats) {
    this.session.lastFlush = value
  }

  /** The default operation timeout: the session's, else the engine's. */
  get defaultTimeout(): number | null {
    return this.timeout !== undefined ? this.timeout : this.bind.operationTimeout
  }

  /**
   * Runs `fn` as one operation of the session: refused with `ConcurrentOperationError` while
   * another is in flight; bounded by its timeout; its signal reaches every request it makes.
   */
  async operate<T>(name: string, options: OperationOptions | undefined, fn: () => Promise<T>): Promise<T> {
    const op = this.gate.enter(name, options, this.defaultTimeout)
    this.#op = op
    this.conn?.adopt(op)
    try {
      return await fn()
    } catch (err) {
      throw op.aborted && !(err instanceof CommitOutcomeUnknownError) ? op.abortError(err) : err
    } finally {
      this.#op = undefined
      this.conn?.adopt(undefined)
      this.gate.leave(op)
    }
  }

  /** Options for engine calls made on behalf of the operation in flight. */
  partOf(): PartOfOperation | undefined {
    const op = this.#op
    return op === undefined ? undefined : { partOf: op }
  }

  /** Options for a cleanup (rollback after a failure): a fresh time limit, not the failed operation's. */
  cleanup(): OperationOptions {
    return { timeout: this.defaultTimeout }
  }

  /** Records the failure that makes the session need `rollback()` (the first one is kept). */
  markFailed(err: unknown): void {
    this.failed ??= err
  }

  /** Refuses to go on after a failure until `rollback()`, saying what to do. */
  checkUsable(): void {
    const failed = this.failed
    if (failed === undefined) return
    if (failed instanceof CommitOutcomeUnknownError && this.idempotent.retrying)
      throw new PendingRollbackError(
        "This session's last commit may or may not have been applied (CommitOutcomeUnknownError); its changes " +
          'are still pending in the session. Call commit() again (its token makes it write only if the first ' +
          'attempt did not) or rollback() before using the session again',
        { cause: failed },
      )
    if (failed instanceof CommitOutcomeUnknownError)
      throw new PendingRollbackError(
        "This session's last commit may or may not have been applied (CommitOutcomeUnknownError); its changes " +
          'are still pending in the session. Look at the database, then call rollback() before using the session again',
        { cause: failed },
      )
    throw new PendingRollbackError(
      `This session's transaction failed (${errorText(failed)}); call rollback() before using the session again`,
      { cause: failed },
    )
  }

  /** True when a commit would write something (pending objects or held writes). */
  hasChanges(): boolean {
    return this.held.size > 0 || this.objects.hasChanges()
  }

  /** The connection the session holds open, if any. */
  get openConnection(): AsyncConnection | undefined {
    return this.conn !== undefined && !this.conn.closed ? this.conn : undefined
  }

  /** The session's connection, opened if need be and joined to the operation in flight. */
  async connection(): Promise<AsyncConnection> {
    if (this.conn === undefined || this.conn.closed) {
      this.conn = await this.bind.connect()
      this.conn.adopt(this.#op)
    }
    return this.conn
  }

  /** Runs a read: in the session's transaction where one is open, else on its own (batch adapters). */
  async runRead(stmt: ClauseElement, params?: ExecuteArgs): Promise<Result<any>> {
    if (this.conn !== undefined && !this.conn.closed) return this.conn.execute(stmt, params)
    if (this.strategy.readsOnEngine) return this.bind.execute(stmt, params, this.partOf())
    return (await this.connection()).execute(stmt, params)
  }

  /** Writes what is pending in the open transaction, where the strategy can hold one. */
  async flush(): Promise<void> {
    this.checkUsable()
    if (!this.strategy.flushesEarly) return
    const plan = pendingPlan(this)
    if (isEmptyPlan(plan)) return
    this.wroteEarly = true
    await this.strategy.flush(this, plan)
  }

  /** Flushes, then sets a savepoint with a rollback frame of its own (`beginNested()`). */
  async beginSavepoint(): Promise<NestedParts> {
    await this.flush()
    const conn = await this.connection()
    const savepoint = await conn.beginNested()
    const frame = newFrame()
    this.objects.frames.push(frame)
    return { savepoint, frame }
  }

  /** Releases a savepoint (after a flush) or rolls back to it, in the database and in memory. */
  async endSavepoint(
    frame: RollbackFrame,
    commit: boolean,
    savepoint: { commit(): Promise<void>; rollback(): Promise<void> },
  ): Promise<void> {
    if (commit) {
      await this.flush()
      await savepoint.commit()
    } else {
      await savepoint.rollback()
      this.objects.restore(frame)
      this.failed = undefined
    }
    const i = this.objects.frames.indexOf(frame)
    if (i > 0) this.objects.frames.splice(i, 1)
  }

  /** Rolls back and closes the session's connection (after a failure: errors are ignored). */
  async dropConnection(): Promise<void> {
    const conn = this.conn
    this.conn = undefined
    if (conn === undefined) return
    conn.adopt(undefined)
    await conn.rollback(this.cleanup()).catch(() => undefined)
    await conn.close().catch(() => undefined)
  }

  /** After a commit: the connection is released and the transaction's bookkeeping reset. */
  async endTransaction(): Promise<void> {
    const conn = this.conn
    this.conn = undefined
    this.explicit = undefined
    this.wroteEarly = false
    conn?.adopt(undefined)
    if (conn !== undefined) await conn.close()
  }

  /** After a commit: the objects follow (deleted ones detach; with `expire`, attributes unload). */
  afterCommit(expire: boolean): void {
    this.objects.afterCommit(expire)
    this.bulkWrites = false
  }

  /** Rolls back the database transaction (if any) and the objects in memory. */
  async rollback(): Promise<void> {
    const conn = this.conn
    this.conn = undefined
    this.explicit = undefined
    this.wroteEarly = false
    this.idempotent.settle()
    if (conn !== undefined) {
      conn.adopt(undefined)
      await conn.rollback(this.cleanup()).catch(() => undefined)
      await conn.close()
    }
    this.objects.restore(this.objects.frames[0]!)
    this.objects.frames = [newFrame()]
    this.failed = undefined
    this.held.clear()
    if (this.bulkWrites) this.objects.expireAll()
    this.bulkWrites = false
  }

  /** Closes without committing: the connection is released, held writes and the failure forgotten. */
  async close(): Promise<void> {
    const conn = this.conn
    this.conn = undefined
    this.explicit = undefined
    this.failed = undefined
    this.held.clear()
    if (conn !== undefined) {
      conn.adopt(undefined)
      await conn.close()
    }
    this.objects.forgetAll()
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}
