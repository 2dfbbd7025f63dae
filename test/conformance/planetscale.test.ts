import { describe } from 'vitest'
import { planetscale, planetscaleCapabilities } from '../../adapters/planetscale/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type PlanetScaleServer, startPlanetScaleServer } from '../../testing/servers/planetscale/index.js'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { createMariaDatabase, vitestApi } from './support.js'

const PASSWORD = 'pscale_pw_conformance_Kd82mw'
let server: PlanetScaleServer | undefined
let db: Awaited<ReturnType<typeof createMariaDatabase>> | undefined

describe('conformance planetscale', () => {
  defineConformanceSuite(
    {
      name: 'planetscale',
      capabilities: planetscaleCapabilities,
      secrets: [PASSWORD],
      async createEngine() {
        db = await createMariaDatabase('pscale')
        // sessions abandoned by a lost connection end after 2 s (vttablet: 20 s)
        server = await startPlanetScaleServer({
          database: db.name,
          password: PASSWORD,
          sessionTimeoutMs: 2_000,
        })
        return createAsyncEngine(planetscale(server.url))
      },
      requestCount: () => server?.requests ?? 0,
      injectNetworkFault: () => server?.injectFault('network'),
      createUnreachableEngine: async () =>
        createAsyncEngine(planetscale(`mysql://edgealchemy:${PASSWORD}@127.0.0.1:9`)),
      openTransactions: () => server?.pinnedSessions ?? 0,
      async dispose() {
        await server?.close()
        await db?.drop()
      },
    },
    vitestApi,
  )
})
