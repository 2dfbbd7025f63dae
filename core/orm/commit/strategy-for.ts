/**
 * The one place that reads what the adapter and the dialect offer to decide how a session
 * commits (see docs/ARCHITECTURE.md, "A commit"). Called once, when the session binds to its engine.
 * @module
 */
import type { AsyncEngine } from '../../engine/engine.js'
import { batchElseInteractiveStrategy } from './batch-else-interactive.js'
import { interactiveStrategy } from './interactive.js'
import { oneBatchStrategy } from './one-batch.js'
import { prefetchThenBatchStrategy } from './prefetch-then-batch.js'
import type { CommitStrategy } from './strategy.js'

/**
 * The commit strategy for `engine`: one atomic batch per commit where the adapter sends a batch
 * in one request (keys reserved first where the dialect can; else sent interactively where the
 * adapter can; else refused), the interactive commit otherwise.
 */
export function commitStrategyFor(engine: AsyncEngine): CommitStrategy {
  const caps = engine.adapter.capabilities
  if (!caps.atomicBatch || caps.batchRoundTrips !== 'one') return interactiveStrategy(caps)
  if (engine.dialect.features.keyPrefetch) return prefetchThenBatchStrategy(caps)
  if (caps.interactiveTransactions) return batchElseInteractiveStrategy(caps)
  return oneBatchStrategy(caps)
}
