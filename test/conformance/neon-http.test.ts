import { describe } from 'vitest'
import { neonHttp } from '../../adapters/neon-http/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { createPgDatabase, vitestApi } from './support.js'

const PASSWORD = 'neon-pw-Vq93kd-secret'
let server: NeonHttpServer | undefined
let db: Awaited<ReturnType<typeof createPgDatabase>> | undefined

describe('conformance neon-http', () => {
  defineConformanceSuite(
    {
      name: 'neon-http',
      capabilities: neonHttp('postgresql://u:p@127.0.0.1:1/x').capabilities,
      secrets: [PASSWORD],
      async createEngine() {
        db = await createPgDatabase('neonhttp')
        server = await startNeonHttpServer()
        const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${db.name}`
        return createAsyncEngine(neonHttp(url, { fetchEndpoint: server.endpoint }))
      },
      requestCount: () => server?.requests ?? 0,
      injectNetworkFault: () => server?.injectFault('network'),
      createUnreachableEngine: async () =>
        createAsyncEngine(
          neonHttp(`postgresql://postgres:${PASSWORD}@127.0.0.1:9/${db!.name}`, {
            fetchEndpoint: 'http://127.0.0.1:9/sql',
          }),
        ),
      openTransactions: () => db!.openTransactions(),
      async dispose() {
        await server?.close()
        await db?.drop()
      },
    },
    vitestApi,
  )
})
