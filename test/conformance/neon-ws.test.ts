import { describe } from 'vitest'
import ws from 'ws'
import { neon, neonCapabilities } from '../../adapters/neon/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type NeonWsProxy, startNeonWsProxy } from '../../testing/servers/neon-ws/index.js'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { createPgDatabase, vitestApi } from './support.js'

const PASSWORD = 'neon-ws-pw-Tz47qe-secret'
let proxy: NeonWsProxy | undefined
let db: Awaited<ReturnType<typeof createPgDatabase>> | undefined

const driver = { webSocketConstructor: ws, useSecureWebSocket: false, pipelineConnect: false } as const

describe('conformance neon-ws', () => {
  defineConformanceSuite(
    {
      name: 'neon-ws',
      capabilities: neonCapabilities,
      secrets: [PASSWORD],
      async createEngine() {
        db = await createPgDatabase('neonws')
        proxy = await startNeonWsProxy()
        const url = `postgresql://postgres:${PASSWORD}@db.local/${db.name}`
        return createAsyncEngine(neon(url, { ...driver, wsProxy: proxy.wsProxy, scope: 'isolate' }))
      },
      // the next query's socket drops without an answer
      injectNetworkFault: () => proxy?.injectFault('drop-next-message'),
      createUnreachableEngine: async () =>
        createAsyncEngine(
          neon(`postgresql://postgres:${PASSWORD}@db.local/${db!.name}`, {
            ...driver,
            wsProxy: (host, port) => `127.0.0.1:9/v2?address=${host}:${port}`,
            poolTimeout: 5_000,
          }),
        ),
      openTransactions: () => db!.openTransactions(),
      async dispose() {
        await proxy?.close()
        await db?.drop()
      },
    },
    vitestApi,
  )
})
