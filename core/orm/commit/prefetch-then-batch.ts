/**
 * One batch, after reserving keys: the keys the database would generate for rows other rows
 * refer to are taken from their sequences first (one more request, `dialect.reserveKeys()`),
 * then the whole plan goes as one atomic batch. The strategy of one-request adapters whose
 * dialect can reserve keys (neon-http).
 * @module
 */
import type { AdapterCapabilities } from '../../engine/adapter.js'
import { prefetchKeys } from '../key-prefetch.js'
import { keysNeededFirst } from '../unit-of-work.js'
import { batchStrategy, sendBatch } from './one-batch.js'
import type { CommitStrategy } from './strategy.js'

/** Reserves the keys other rows need (when some do), then sends the commit as one batch. */
export function prefetchThenBatchStrategy(caps: AdapterCapabilities): CommitStrategy {
  return batchStrategy('prefetch-then-batch', caps, async (host, plan, token) => {
    const needed = keysNeededFirst(plan)
    if (needed.length === 0) return sendBatch(host, plan, token, 1)
    await prefetchKeys(host.bind, needed)
    await sendBatch(host, plan, token, 2)
  })
}
