/**
 * The one-request commit: the whole plan, the writes held for commit and the token as one
 * atomic batch; each row-count check becomes a guard statement the dialect writes, which fails
 * the batch as a whole. The strategy of adapters that send a batch in one request and cannot
 * read back a generated key before the rows that refer to it (d1): such a commit is refused
 * before anything is sent.
 * @module
 */
import type { AdapterCapabilities } from '../../engine/adapter.js'
import { UnsupportedCapabilityError } from '../../errors.js'
import { type CommitToken, tokenStep } from '../commit-tokens.js'
import { runBatch } from '../flush.js'
import type { RowOp } from '../row-ops.js'
import { type FlushPlan, keysNeededFirst } from '../unit-of-work.js'
import { commitOpen, flushInteractive, flushTarget } from './interactive.js'
import type { CommitHost, CommitStrategy } from './strategy.js'

/**
 * Sends the plan, the held writes and the token (if any) as one atomic batch request
 * (`requests`: the requests this commit made in all, for `lastFlush`), then applies the plan.
 */
export async function sendBatch(
  host: CommitHost,
  plan: FlushPlan,
  token: CommitToken | undefined,
  requests: number,
): Promise<void> {
  const { bind } = host
  host.flushing = true
  try {
    const n = await runBatch(
      { ...flushTarget(host), runBatch: (s) => bind.runStatementBatch(s, host.partOf()) },
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

/** True when the batch has something to send: the plan, held writes or a token. */
export function batchHasWork(host: CommitHost, isEmpty: boolean, token: CommitToken | undefined): boolean {
  return !isEmpty || host.held.size > 0 || token !== undefined
}

/** The refusal of a commit whose keys the database generates and other rows of the batch need. */
export function keysNeededError(host: CommitHost, needed: readonly RowOp[]): UnsupportedCapabilityError {
  const names = [...new Set(needed.map((op) => `${op.mapper.name}.${op.mapper.pkKeys.join(', ')}`))]
  return new UnsupportedCapabilityError(
    `${host.bind.adapter.name} sends a commit as one batch and cannot read back a generated key for the rows ` +
      `that refer to it in the same batch (${names.join('; ')}). Give the key a client-side default, ` +
      'e.g. mappedColumn(t.String(36), { primaryKey: true, default: () => crypto.randomUUID() }), or commit the parents first',
  )
}

/**
 * The parts every one-request strategy shares: a transaction the session opened (a flush, where
 * the adapter can hold one) ends where it began; otherwise `send` sends the batch.
 */
export function batchStrategy(
  name: string,
  caps: AdapterCapabilities,
  send: (host: CommitHost, plan: FlushPlan, token: CommitToken | undefined) => Promise<void>,
): CommitStrategy {
  return {
    name,
    flushesEarly: caps.interactiveTransactions,
    readsOnEngine: true,
    writesBeforeCommit: caps.interactiveTransactions ? 'transaction' : 'held',
    savepoints: caps.interactiveTransactions && caps.savepoints,
    flush: flushInteractive,
    async commit(host, plan, isEmpty, token) {
      if (host.openConnection !== undefined) await commitOpen(host, plan, isEmpty, token)
      else if (batchHasWork(host, isEmpty, token)) await send(host, plan, token)
    },
  }
}

/** One request per commit; a key the database generates that other rows need refuses the commit (d1). */
export function oneBatchStrategy(caps: AdapterCapabilities): CommitStrategy {
  return batchStrategy('one-batch', caps, async (host, plan, token) => {
    const needed = keysNeededFirst(plan)
    if (needed.length > 0) throw keysNeededError(host, needed)
    await sendBatch(host, plan, token, 1)
  })
}
