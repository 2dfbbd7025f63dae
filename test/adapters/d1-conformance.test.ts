/** The conformance suite on the d1 adapter: D1 in workerd (miniflare), requests counted. */
import { describe, it as vitestIt } from 'vitest'
import { d1, d1Capabilities } from '../../adapters/d1/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type D1Server, startD1 } from '../../testing/servers/d1/index.js'
import { defineConformanceSuite, type TestApi } from '../../testing/suite/index.js'
import { vitestApi } from '../conformance/support.js'

/**
 * Cases D1 cannot pass, asserted as failing until the suite can skip them through a declared
 * capability: D1 hands every integer to JavaScript as a double (its JSON reply is parsed inside
 * the binding), so a BigInteger above 2^53 comes back rounded. There is no capability for
 * integer precision in AdapterCapabilities yet.
 */
const knownLimitations = new Set([
  'BigInteger round-trips 2^53 + 1 (beyond Number.MAX_SAFE_INTEGER)',
  'BigInteger round-trips 2^63 - 1',
])

const it: TestApi['it'] = Object.assign(
  (name: string, fn: () => unknown, timeout?: number) =>
    knownLimitations.has(name)
      ? vitestIt.fails(name, fn as () => Promise<void>, timeout)
      : vitestIt(name, fn as () => Promise<void>, timeout),
  { skip: (name: string, fn?: () => unknown) => vitestIt.skip(name, fn as () => Promise<void>) },
)
const api: TestApi = { ...vitestApi, it }

let server: D1Server | undefined

describe('conformance d1', () => {
  defineConformanceSuite(
    {
      name: 'd1',
      capabilities: d1Capabilities,
      async createEngine() {
        server = await startD1()
        return createAsyncEngine(d1(server.binding))
      },
      requestCount: () => server?.requests ?? 0,
      async createUnreachableEngine() {
        // a second local D1 whose every request fails as a lost connection does
        const down = await startD1()
        down.injectFault('network', 100)
        return createAsyncEngine({ ...d1(down.binding), close: () => down.dispose() })
      },
      async dispose() {
        await server?.dispose()
      },
    },
    api,
  )
})
