/**
 * How a session's pending changes reach the database: statement by statement in the open
 * transaction (flush, then COMMIT), or all at once as one atomic batch where the adapter sends
 * a batch in one request (neon-http, libsql, d1). The session decides when; this decides how.
 * @module
 */
import type { AsyncConnection } from '../engine/connection.js'
import type { AsyncEngine } from '../engine/engine.js'
import type { OperationOptions, PartOfOperation } from '../engine/operation.js'
import { UnsupportedCapabilityError } from '../errors.js'
import {
  CommitNotResentError,
  type CommitToken,
  tokenCollided,
  tokenCommitted,
  tokenStep,
} from './commit-tokens.js'
import { type FlushTarget, runBatch, runInteractive } from './flush.js'
import type { HeldWrites } from './held-writes.js'
import { prefetchKeys } from './key-prefetch.js'
import type { SessionObjects } from './session-objects.js'
import type { SessionLink } from './state.js'
import { type FlushPlan, isEmptyPlan, keysNeededFirst, planFlush } from './unit-of-work.js'

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

/** The flush plan of everything pending in the session. */
export function pendingPlan(host: CommitHost): FlushPlan {
  const persistent = [...host.objects.dirty].filter((s) => s.session === host.session)
  // objects whose collections changed are dirty through recordChange; loaded collections of
  // clean objects need no look
  return planFlush({ pending: [...host.objects.pending], persistent, deleted: [...host.objects.deleted] })
}

/** Writes `plan` in the session's transaction and marks the objects flushed. */
export async function flushPlan(host: CommitHost, plan: FlushPlan): Promise<void> {
  await sendFlush(host, await host.connection(), plan)
  host.objects.applyFlush(plan)
}

/**
 * How a commit ended: written now; found already committed by this session's earlier attempt
 * (its plan applied in memory); or found committed and the session's changes to be discarded
 * (another session's key, or keys the database generated that the lost reply held).
 */
export type CommitOutcome = 'committed' | 'replayed' | 'discard'

/** The plan of a commit: the flush of everything pending (held writes' versions settled first). */
export function commitPlan(host: CommitHost): FlushPlan {
  host.held.beforeFlush()
  return pendingPlan(host)
}

/**
 * Sends everything pending and commits it: in the open transaction where the session holds one,
 * else as one atomic batch where the adapter sends batches in one request, else in a
 * transaction of its own. Objects change state only once the database answered. With a
 * `token` (idempotent commits) the token is written in the same unit; when it is found already
 * committed, nothing is sent and the outcome is `'replayed'` (the plan is applied in memory when
 * `token` is the session's own earlier attempt, see the session).
 */
export async function commitPending(
  host: CommitHost,
  plan: FlushPlan,
  token?: CommitToken,
): Promise<CommitOutcome> {
  const empty = isEmptyPlan(plan)
  const caps = host.bind.adapter.capabilities
  const writes = !empty || host.held.size > 0 || host.wroteEarly
  const withToken = token !== undefined && (writes || token.always) ? token : undefined
  try {
    if (withToken?.check && (await tokenCommitted(host.bind, withToken, host.partOf())))
      return replayed(host, plan, withToken)
    if (withToken?.own && host.wroteEarly)
      throw new CommitNotResentError(
        'The earlier attempt of this commit did not commit (its token is not in the database), and its ' +
          'transaction had written before commit() (a flush or a write through execute()): those writes ' +
          'cannot be sent again from the session. Call rollback() and run the unit of work again ' +
          '(session.run(fn) does this itself)',
      )
    if (host.openConnection !== undefined) await commitInteractive(host, empty ? undefined : plan, withToken)
    else if (caps.atomicBatch && caps.batchRoundTrips === 'one') {
      if (!empty || host.held.size > 0 || withToken !== undefined) await commitBatch(host, plan, withToken)
    } else if (!empty || withToken !== undefined) await commitInteractive(host, plan, withToken)
  } catch (err) {
    if (withToken !== undefined && (await tokenCollided(host.bind, withToken, err, host.cleanup())))
      return replayed(host, plan, withToken)
    host.markFailed(err)
    throw err
  }
  return 'committed'
}

/**
 * A commit found already committed. When the session's own earlier attempt wrote this very plan
 * and every new row's key is known, the plan is applied in memory as by a commit.
 */
function replayed(host: CommitHost, plan: FlushPlan, token: CommitToken): CommitOutcome {
  if (!token.own || !keysKnown(plan)) return 'discard'
  host.objects.applyFlush(plan)
  host.held.afterCommit(plan.touched)
  return 'replayed'
}

/** True when every row the plan inserts has its primary key (given, synced, or read back). */
function keysKnown(plan: FlushPlan): boolean {
  for (const group of plan.saves)
    for (const op of group)
      if (op.kind === 'insert')
        for (const k of op.mapper.pkKeys)
          if (!op.values.has(k) && !op.syncs.has(k) && !op.generated.has(k)) return false
  return true
}

function target(host: CommitHost): FlushTarget {
  return { dialect: host.bind.dialect, capabilities: host.bind.adapter.capabilities }
}

/** Sends the plan's statements in the open transaction; a failure rolls it back (nothing stays locked). */
async function sendFlush(host: CommitHost, conn: AsyncConnection, plan: FlushPlan): Promise<void> {
  host.flushing = true
  try {
    const n = await runInteractive({ ...target(host), run: (s) => conn.runBound(s) }, plan)
    host.lastFlush = { requests: n, statements: n }
  } catch (err) {
    host.markFailed(err)
    await conn.rollback(host.cleanup()).catch(() => undefined)
    throw err
  } finally {
    host.flushing = false
  }
}

/**
 * Flushes `plan` (if any), writes the token (if any) and COMMITs; the objects become persistent
 * only once COMMIT answered.
 */
async function commitInteractive(
  host: CommitHost,
  plan: FlushPlan | undefined,
  token: CommitToken | undefined,
): Promise<void> {
  const conn = await host.connection()
  if (token !== undefined) {
    try {
      await conn.runBound(tokenStep(host.bind, token).stmt)
    } catch (err) {
      await conn.rollback(host.cleanup()).catch(() => undefined)
      throw err
    }
  }
  if (plan !== undefined) await sendFlush(host, conn, plan)
  try {
    await conn.commit()
  } catch (err) {
    host.markFailed(err)
    await conn.rollback(host.cleanup()).catch(() => undefined)
    throw err
  }
  if (plan !== undefined) host.objects.applyFlush(plan)
}

/** The whole plan, the writes held for commit and the token (if any), as one atomic batch request. */
async function commitBatch(host: CommitHost, plan: FlushPlan, token: CommitToken | undefined): Promise<void> {
  const { bind } = host
  const needed = keysNeededFirst(plan)
  let requests = 1
  if (needed.length > 0) {
    if (bind.dialect.features.keyPrefetch) {
      await prefetchKeys(bind, needed)
      requests++
    } else if (bind.adapter.capabilities.interactiveTransactions) {
      // libsql: a key the database generates must come back before its children are sent
      await commitInteractive(host, plan, token)
      return
    } else {
      const names = [...new Set(needed.map((op) => `${op.mapper.name}.${op.mapper.pkKeys.join(', ')}`))]
      throw new UnsupportedCapabilityError(
        `${bind.adapter.name} sends a commit as one batch and cannot read back a generated key for the rows ` +
          `that refer to it in the same batch (${names.join('; ')}). Give the key a client-side default, ` +
          'e.g. mappedColumn(t.String(36), { primaryKey: true, default: () => crypto.randomUUID() }), or commit the parents first',
      )
    }
  }
  host.flushing = true
  try {
    const n = await runBatch(
      { ...target(host), runBatch: (s) => bind.runStatementBatch(s, host.partOf()) },
      plan,
      token === undefined ? host.held.steps : [...host.held.steps, tokenStep(bind, token)],
    )
    host.lastFlush = { requests, statements: n }
  } finally {
    host.flushing = false
  }
  host.objects.applyFlush(plan)
  host.held.afterCommit(plan.touched)
}
