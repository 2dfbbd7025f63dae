/**
 * Idempotent commits: a session that has a commit token table writes one row (its token) in the
 * same atomic unit as its changes (the batch, or the transaction before COMMIT). A commit retried
 * after `CommitOutcomeUnknownError`, or given an `idempotencyKey` an earlier request used, looks
 * the token up first and writes nothing when it is there; if the earlier attempt commits while
 * the retry runs, the token's primary key refuses the retry's unit as a whole. Either way each
 * change is applied once.
 * @module
 */
import type { AsyncEngine } from '../engine/engine.js'
import type { PartOfOperation } from '../engine/operation.js'
import { ArgumentError, IntegrityError, InvalidRequestError } from '../errors.js'
import { Column } from '../schema/column.js'
import type { MetaData } from '../schema/metadata.js'
import { Table } from '../schema/table.js'
import { delete_, insert } from '../sql/dml.js'
import { func } from '../sql/functions.js'
import { select } from '../sql/select.js'
import { t } from '../sql/types.js'
import { bindOne, type Step } from './flush-steps.js'

/** The default name of the commit token table. */
export const defaultCommitTokenTable = 'edgealchemy_commit_tokens'

/** The longest token (an `idempotencyKey`) accepted, in characters. */
export const maxTokenLength = 128

const tokenColumns = () => ({
  token: new Column(t.String(maxTokenLength), { primaryKey: true, autoincrement: false }),
  committed_at: new Column(t.BigInteger, { nullable: false }),
})

/** The table a session writes its commit tokens to (see {@link commitTokenTable}). */
export type CommitTokenTable = Table<string, ReturnType<typeof tokenColumns>>

/**
 * Declares the commit token table in `metadata`, so `metadata.createAll()` and the DDL output
 * create it with the application's tables: `token` (the primary key, up to 128 characters) and
 * `committed_at` (milliseconds since the epoch). Give the table to the sessions that should
 * commit idempotently: `new AsyncSession(engine, { commitTokens })`, `asyncSessionmaker(engine,
 * { commitTokens })` or the engine's default, `createAsyncEngine(adapter, { commitTokens })`.
 *
 * ```ts
 * const commitTokens = commitTokenTable(metadata)   // edgealchemy_commit_tokens
 * await metadata.createAll(engine)
 * const Session = asyncSessionmaker(engine, { commitTokens })
 * ```
 */
export function commitTokenTable(metadata: MetaData, options: { name?: string } = {}): CommitTokenTable {
  const name = options.name ?? defaultCommitTokenTable
  const existing = metadata.tables.get(name)
  if (existing !== undefined) {
    if (!isCommitTokenTable(existing))
      throw new ArgumentError(
        `commitTokenTable: ${name} is already defined in this MetaData as another table`,
      )
    return existing
  }
  return new Table(name, metadata, tokenColumns())
}

/** True when `table` has the columns of a commit token table. */
export function isCommitTokenTable(table: unknown): table is CommitTokenTable {
  if (!(table instanceof Table)) return false
  const c = table.c as Record<string, unknown>
  return c.token instanceof Column && c.committed_at instanceof Column
}

/**
 * Deletes the tokens of commits older than `olderThan` milliseconds; returns how many. A commit
 * retried with a pruned token is no longer recognised (it would commit again), so keep tokens
 * longer than any retry can come: a day is a safe default for HTTP `Idempotency-Key` retries.
 * Run it from a scheduled job (a Workers cron trigger), not from every request.
 *
 * ```ts
 * await pruneCommitTokens(engine, commitTokens, { olderThan: 24 * 60 * 60 * 1000 })
 * ```
 */
export async function pruneCommitTokens(
  engine: AsyncEngine,
  table: CommitTokenTable,
  options: { olderThan: number; now?: number },
): Promise<number> {
  const { olderThan, now = Date.now() } = options
  if (!Number.isFinite(olderThan) || olderThan < 0)
    throw new ArgumentError('pruneCommitTokens: olderThan must be a number of milliseconds >= 0')
  const result = await engine.execute(
    delete_(table).where(table.c.committed_at.lt(BigInt(Math.floor(now - olderThan)))),
  )
  return result.rowsAffected
}

/** Checks an `idempotencyKey` given by the caller. */
export function checkIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > maxTokenLength)
    throw new ArgumentError(
      `commit({ idempotencyKey }) takes a non-empty string of at most ${maxTokenLength} characters`,
    )
  return key
}

/** The token of one commit: which table, which value, and what the commit must do with it. */
export interface CommitToken {
  readonly table: CommitTokenTable
  readonly value: string
  /** Look the token up before writing (a retry, or a key a caller chose). */
  readonly check: boolean
  /** Write the token even when the commit writes nothing else (a key a caller chose). */
  readonly always: boolean
  /**
   * The token is this session's own earlier attempt (whose outcome was unknown): when found, the
   * pending changes are what that attempt wrote, and they are applied in memory as committed.
   */
  readonly own: boolean
}

/**
 * A retried commit found its token missing, and the transaction of the first attempt had
 * written before `commit()` (a flush, a write through `execute()`): those writes went with the
 * transaction and cannot be sent again from the session. Nothing was committed: roll back and
 * run the unit of work again with the same token (`session.run(fn)` does).
 */
export class CommitNotResentError extends InvalidRequestError {
  override name = 'CommitNotResentError'
}

/** The INSERT of the token, as a flush step. */
export function tokenStep(engine: AsyncEngine, token: CommitToken): Step {
  return bindOne(
    engine.dialect,
    insert(token.table).values({ token: token.value, committed_at: BigInt(Date.now()) }),
  )
}

/** True when a commit with this token was committed. */
export async function tokenCommitted(
  engine: AsyncEngine,
  token: CommitToken,
  options?: PartOfOperation,
): Promise<boolean> {
  const stmt = select(func.count()).selectFrom(token.table).where(token.table.c.token.eq(token.value))
  return Number(await engine.scalar(stmt, undefined, options)) > 0
}

/**
 * After a commit with a token failed with an IntegrityError: true when the token is what
 * collided (an earlier attempt with it committed), false when the error is the commit's own.
 */
export async function tokenCollided(
  engine: AsyncEngine,
  token: CommitToken,
  err: unknown,
  options?: PartOfOperation,
): Promise<boolean> {
  if (!(err instanceof IntegrityError)) return false
  try {
    return await tokenCommitted(engine, token, options)
  } catch {
    return false
  }
}
