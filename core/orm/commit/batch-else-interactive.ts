/**
 * One batch when every key is known, else interactively: a key the database generates must come
 * back before the rows that refer to it are sent, and the dialect cannot reserve keys, so such a
 * commit runs statement by statement in a transaction. The strategy of one-request adapters that
 * also hold transactions open (libsql).
 * @module
 */
import type { AdapterCapabilities } from '../../engine/adapter.js'
import { keysNeededFirst } from '../unit-of-work.js'
import { commitInteractive } from './interactive.js'
import { batchStrategy, sendBatch } from './one-batch.js'
import type { CommitStrategy } from './strategy.js'

/** One batch, or the interactive commit when a generated key must come back first. */
export function batchElseInteractiveStrategy(caps: AdapterCapabilities): CommitStrategy {
  return batchStrategy('batch-else-interactive', caps, async (host, plan, token) => {
    if (keysNeededFirst(plan).length > 0) await commitInteractive(host, plan, token)
    else await sendBatch(host, plan, token, 1)
  })
}
