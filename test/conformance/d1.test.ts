/** The conformance suite on the d1 adapter: D1 in workerd (miniflare), requests counted. */
import { describe } from 'vitest'
import { d1, d1Capabilities } from '../../adapters/d1/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type D1Server, startD1 } from '../../testing/servers/d1/index.js'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { vitestApi } from './support.js'

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
      injectNetworkFault: () => server?.injectFault('network'),
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
    vitestApi,
  )
})
