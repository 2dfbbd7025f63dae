import { describe } from 'vitest'
import { libsql, libsqlCapabilities } from '../../adapters/libsql/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type HranaServer, startHranaServer } from '../../testing/servers/hrana/index.js'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { vitestApi } from './support.js'

const TOKEN = 'hrana-token-Zq81xv-secret'
let server: HranaServer | undefined

describe('conformance libsql-http', () => {
  defineConformanceSuite(
    {
      name: 'libsql-http',
      capabilities: libsqlCapabilities,
      secrets: [TOKEN],
      async createEngine() {
        // streams abandoned by a lost connection expire after 2 s (sqld: 10 s)
        server = await startHranaServer({ authToken: TOKEN, streamTimeoutMs: 2_000 })
        return createAsyncEngine(libsql(server.url, { authToken: TOKEN }))
      },
      requestCount: () => server?.requests ?? 0,
      injectNetworkFault: () => server?.injectFault('network'),
      createUnreachableEngine: async () =>
        createAsyncEngine(libsql('http://127.0.0.1:9', { authToken: TOKEN })),
      openTransactions: () => server?.openStreams ?? 0,
      async dispose() {
        await server?.close()
      },
    },
    vitestApi,
  )
})
