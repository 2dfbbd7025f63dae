/**
 * What every commit does whatever the strategy: the plan of what is pending, and idempotent
 * commit tokens (looked up first, written in the same unit, a collision read as "already
 * committed"). How the plan is sent is the session's commit strategy (commit/strategy.ts,
 * chosen once by commit/strategy-for.ts). The session decides when; this and the strategy, how.
 * @module
 */

import type { CommitHost, CommitStrategy } from './commit/strategy.js'
import { CommitNotResentError, type CommitToken, tokenCollided, tokenCommitted } from './commit-tokens.js'
import { type FlushPlan, isEmptyPlan, planFlush } from './unit-of-work.js'

export type { CommitHost, FlushStats } from './commit/strategy.js'

/** The flush plan of everything pending in the session. */
export function pendingPlan(host: CommitHost): FlushPlan {
  const persistent = [...host.objects.dirty].filter((s) => s.session === host.session)
  // objects whose collections changed are dirty through recordChange; loaded collections of
  // clean objects need no look
  return planFlush({ pending: [...host.objects.pending], persistent, deleted: [...host.objects.deleted] })
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
 * Sends everything pending and commits it by the session's `strategy`. Objects change state only
 * once the database answered. With a `token` (idempotent commits) the token is written in the
 * same unit; when it is found already committed, nothing is sent and the outcome is `'replayed'`
 * (the plan is applied in memory when `token` is the session's own earlier attempt, see the session).
 */
export async function commitPending(
  host: CommitHost,
  strategy: CommitStrategy,
  plan: FlushPlan,
  token?: CommitToken,
): Promise<CommitOutcome> {
  const empty = isEmptyPlan(plan)
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
    await strategy.commit(host, plan, empty, withToken)
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
