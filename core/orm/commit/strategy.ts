/**
 * How a session's changes reach the database, as an object chosen once when the session binds
 * to its engine (`commitStrategyFor`, strategy-for.ts): the session asks it to flush or commit a
 * plan and never asks the adapter what it can do. See docs/ARCHITECTURE.md, "A commit".
 * @module
 */
import type { AsyncConnection } from '../../engine/connection.js'
import type { AsyncEngine } from '../../engine/engine.js'
import type { OperationOptions, PartOfOperation } from '../../engine/operation.js'
import type { CommitToken } from '../commit-tokens.js'
import type { HeldWrites } from '../held-writes.js'
import type { SessionObjects } from '../session-objects.js'
import type { SessionLink } from '../state.js'
import type { FlushPlan } from '../unit-of-work.js'

/** Statements of the last commit or flush: requests sent, statements run. */
export interface FlushStats {
  readonly requests: number
  readonly statements: number
}

/** What sending a unit of work needs of its session. */
export interface CommitHost {
  readonly session: SessionLink
  readonly bind: AsyncEngine
  readonly objects: SessionObjects
  readonly held: HeldWrites
  /** The connection the session holds open, if any. */
  readonly openConnection: AsyncConnection | undefined
  /** The session's connection, opened if need be and joined to the operation in flight. */
  connection(): Promise<AsyncConnection>
  /** Records the failure that makes the session need `rollback()` (the first one is kept). */
  markFailed(err: unknown): void
  /** Options of engine calls made for the operation in flight. */
  partOf(): PartOfOperation | undefined
  /** Options of a rollback after a failure: a fresh time limit, not the failed operation's. */
  cleanup(): OperationOptions
  /** True when the open transaction has written before this commit (a flush, a write through execute()). */
  readonly wroteEarly: boolean
  /** True while statements of a flush are out (autoflush must not start another). */
  flushing: boolean
  lastFlush: FlushStats
}

/**
 * Where a write given to `session.execute()` goes before the commit: into the transaction the
 * session holds open, held for the commit's batch, or nowhere (refused: no transaction to join).
 */
export type WritesBeforeCommit = 'transaction' | 'held' | 'refused'

/**
 * One way of sending a unit of work. The session holds one, chosen from the adapter's
 * capabilities and the dialect's features when it is made; a new kind of adapter (a synchronous
 * transaction of a Durable Object, a pooled node-postgres client) is a new strategy.
 */
export interface CommitStrategy {
  /** The strategy's name, for logs and tests. */
  readonly name: string
  /**
   * True when the session can hold a transaction open between requests: `flush()`, autoflush
   * before a query, and writes given to `execute()` are sent before the commit.
   */
  readonly flushesEarly: boolean
  /**
   * True when a read outside a transaction goes to the engine (a request of its own), false when
   * the session reads on a connection of its own (which then holds the transaction).
   */
  readonly readsOnEngine: boolean
  /** Where a write given to `session.execute()` goes before the commit. */
  readonly writesBeforeCommit: WritesBeforeCommit
  /** True when the session can set savepoints (`beginNested()`). */
  readonly savepoints: boolean
  /** Writes `plan` in the session's open transaction (only when `flushesEarly`). */
  flush(host: CommitHost, plan: FlushPlan): Promise<void>
  /**
   * Sends `plan` (empty: `isEmpty`), the writes held for commit and the token (if any) and
   * commits; the objects follow only once the database answered.
   */
  commit(host: CommitHost, plan: FlushPlan, isEmpty: boolean, token: CommitToken | undefined): Promise<void>
}
