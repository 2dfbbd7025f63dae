/**
 * The interactive commit: BEGIN, each statement in order in the session's transaction
 * (generated keys read back and handed to the rows that need them, row counts checked as they
 * come), the token's INSERT if any, COMMIT. The strategy of adapters that hold a transaction
 * open and have no one-request batch (neon over WebSocket, PlanetScale); the batch strategies
 * end a transaction the session already opened (a flush) this way too.
 * @module
 */
import type { AdapterCapabilities } from '../../engine/adapter.js'
import type { AsyncConnection } from '../../engine/connection.js'
import { type CommitToken, tokenStep } from '../commit-tokens.js'
import { type FlushTarget, runInteractive } from '../flush.js'
import type { FlushPlan } from '../unit-of-work.js'
import type { CommitHost, CommitStrategy } from './strategy.js'

/** What the flush steps need of the engine: its dialect and the adapter's capabilities. */
export function flushTarget(host: CommitHost): FlushTarget {
  return { dialect: host.bind.dialect, capabilities: host.bind.adapter.capabilities }
}

/** Sends the plan's statements in the open transaction; a failure rolls it back (nothing stays locked). */
async function sendFlush(host: CommitHost, conn: AsyncConnection, plan: FlushPlan): Promise<void> {
  host.flushing = true
  try {
    const n = await runInteractive({ ...flushTarget(host), run: (s) => conn.runBound(s) }, plan)
    host.lastFlush = { requests: n, statements: n }
  } catch (err) {
    host.markFailed(err)
    await conn.rollback(host.cleanup()).catch(() => undefined)
    throw err
  } finally {
    host.flushing = false
  }
}

/** Writes `plan` in the session's transaction and marks the objects flushed. */
export async function flushInteractive(host: CommitHost, plan: FlushPlan): Promise<void> {
  await sendFlush(host, await host.connection(), plan)
  host.objects.applyFlush(plan)
}

/**
 * Flushes `plan` (if any), writes the token (if any) and COMMITs; the objects become persistent
 * only once COMMIT answered.
 */
export async function commitInteractive(
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

/** Ends the transaction the session holds open: what is left of the plan, then COMMIT. */
export function commitOpen(
  host: CommitHost,
  plan: FlushPlan,
  isEmpty: boolean,
  token: CommitToken | undefined,
): Promise<void> {
  return commitInteractive(host, isEmpty ? undefined : plan, token)
}

/** Adapters that hold a transaction open and send a batch in several requests (or none). */
export function interactiveStrategy(caps: AdapterCapabilities): CommitStrategy {
  return {
    name: 'interactive',
    flushesEarly: caps.interactiveTransactions,
    readsOnEngine: false,
    writesBeforeCommit: caps.interactiveTransactions ? 'transaction' : 'refused',
    savepoints: caps.interactiveTransactions && caps.savepoints,
    flush: flushInteractive,
    async commit(host, plan, isEmpty, token) {
      if (host.openConnection !== undefined) await commitOpen(host, plan, isEmpty, token)
      else if (!isEmpty || token !== undefined) await commitInteractive(host, plan, token)
    },
  }
}
