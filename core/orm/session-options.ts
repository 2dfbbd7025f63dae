/**
 * The options of a session and of its calls (`new AsyncSession(engine, options)`,
 * `session.commit(options)`, `session.get(cls, pk, options)`) and what a commit reports.
 * @module
 */
import type { OperationOptions } from '../engine/operation.js'
import type { CommitTokenTable } from './commit-tokens.js'

/** Options of {@link AsyncSession}. */
export interface SessionOptions {
  /** Flush pending changes before each query (default true; skipped where the adapter cannot flush early). */
  autoflush?: boolean
  /**
   * Expire every object's attributes after commit, so the next read sees the database (default
   * false). The async ORM never loads implicitly, so expired attributes raise `NotLoadedError`
   * until loaded: the default keeps what was just written readable (`return c.json({ id:
   * user.id })` after `commit()`), as SQLAlchemy's asyncio guide recommends
   * (`expire_on_commit=False`).
   */
  expireOnCommit?: boolean
  /** Milliseconds one operation may take (a whole `commit()` is one); default: the engine's `timeout`. */
  timeout?: number | null
  /**
   * Commit idempotently: each commit that writes also writes a token to this table (see
   * {@link commitTokenTable}) in the same atomic unit, so a commit retried after
   * `CommitOutcomeUnknownError`, or with an `idempotencyKey` already used, never writes twice.
   * Costs one statement per commit (in the same request on batch adapters). Default: the
   * engine's `commitTokens`; `null` turns it off.
   */
  commitTokens?: CommitTokenTable | null
}

/** Options of `session.commit()`. */
export interface CommitOptions extends OperationOptions {
  /**
   * A key naming this unit of work across requests (e.g. an HTTP `Idempotency-Key` header): a
   * commit with a key that already committed writes nothing and resolves `{ replayed: true }`.
   * Needs the session's `commitTokens`. At most 128 characters.
   */
  idempotencyKey?: string
}

/** What `session.commit()` did. */
export interface CommitResult {
  /**
   * True when nothing was written because the commit's token was already committed: by this
   * session's earlier attempt (its objects are now persistent, as after a commit) or, with an
   * `idempotencyKey`, by another session (this session's changes are discarded, as by `rollback()`).
   */
  readonly replayed: boolean
}

/** Options of `session.get()`. */
export interface GetOptions extends OperationOptions {
  /** Reload the object's attributes even when it is already in the identity map. */
  populateExisting?: boolean
}
