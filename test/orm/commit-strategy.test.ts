/**
 * The commit strategy a session gets, chosen once from the adapter's capabilities and the
 * dialect's features (core/orm/commit/strategy-for.ts): one per kind of adapter, and what each
 * lets the session do before a commit (flush, savepoints, where reads go).
 */
import { describe, expect, it } from 'vitest'
import { d1Capabilities } from '../../adapters/d1/index.js'
import { libsqlCapabilities } from '../../adapters/libsql/index.js'
import { neonCapabilities } from '../../adapters/neon/index.js'
import { planetscaleCapabilities } from '../../adapters/planetscale/index.js'
import type { AdapterCapabilities } from '../../core/engine/adapter.js'
import type { AsyncEngine } from '../../core/engine/engine.js'
import { type Dialect, mysql, postgresql, sqlite } from '../../core/index.js'
import { commitStrategyFor } from '../../core/orm/commit/strategy-for.js'

/** neon-http's capabilities (not exported by the adapter). */
const neonHttpCapabilities: AdapterCapabilities = {
  interactiveTransactions: false,
  atomicBatch: true,
  batchRoundTrips: 'one',
  savepoints: false,
  maxParams: 65534,
  streaming: 'paged',
}

function engineOf(capabilities: AdapterCapabilities, dialect: Dialect): AsyncEngine {
  return { adapter: { capabilities }, dialect } as unknown as AsyncEngine
}

describe('commitStrategyFor', () => {
  it.each([
    ['neon-http', neonHttpCapabilities, postgresql, 'prefetch-then-batch', false, true, false, 'held'],
    ['d1', d1Capabilities, sqlite, 'one-batch', false, true, false, 'held'],
    ['libsql', libsqlCapabilities, sqlite, 'batch-else-interactive', true, true, true, 'transaction'],
    ['neon (WebSocket)', neonCapabilities, postgresql, 'interactive', true, false, true, 'transaction'],
    ['planetscale', planetscaleCapabilities, mysql, 'interactive', true, false, true, 'transaction'],
  ] as const)(
    '%s commits by %s',
    (_name, caps, dialect, name, flushesEarly, readsOnEngine, savepoints, writes) => {
      const strategy = commitStrategyFor(engineOf(caps, dialect))
      expect({
        name: strategy.name,
        flushesEarly: strategy.flushesEarly,
        readsOnEngine: strategy.readsOnEngine,
        savepoints: strategy.savepoints,
        writesBeforeCommit: strategy.writesBeforeCommit,
      }).toEqual({
        name,
        flushesEarly,
        readsOnEngine,
        savepoints: savepoints && caps.savepoints,
        writesBeforeCommit: writes,
      })
    },
  )
})
