/**
 * The six adapter configurations the suites run on, each through its official driver and the
 * local server in front of a real database. One factory per configuration: each call makes
 * fresh state (servers, a database) when its `createEngine()` runs. The conformance and the
 * reliability suites both take them.
 */
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import ws from 'ws'
import { d1, d1Capabilities } from '../../adapters/d1/index.js'
import { libsql, libsqlCapabilities } from '../../adapters/libsql/index.js'
import {
  libsql as libsqlNode,
  libsqlCapabilities as libsqlNodeCapabilities,
} from '../../adapters/libsql/node.js'
import { neon, neonCapabilities } from '../../adapters/neon/index.js'
import { neonHttp } from '../../adapters/neon-http/index.js'
import { planetscale, planetscaleCapabilities } from '../../adapters/planetscale/index.js'
import { createAsyncEngine, mysql, postgresql, SqliteDialect, sqlite, text } from '../../core/index.js'
import { type D1Server, startD1 } from '../../testing/servers/d1/index.js'
import { type HranaServer, startHranaServer } from '../../testing/servers/hrana/index.js'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { type NeonWsFault, type NeonWsProxy, startNeonWsProxy } from '../../testing/servers/neon-ws/index.js'
import { type PlanetScaleServer, startPlanetScaleServer } from '../../testing/servers/planetscale/index.js'
import type { ConformanceConfig } from '../../testing/suite/index.js'
import { createMariaDatabase, createPgDatabase, freshFile } from './support.js'

/** D1's dialect: SQLite reading BigInteger columns as text (as `d1()` makes it). */
const d1Dialect = new SqliteDialect({ bigIntegerAsText: true })

/** A loopback port nothing listens on (bound, then closed): connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** What the suites use of a local server: its request counter and `injectFault(kind, times, after)`. */
interface FaultingServer {
  readonly requests: number
  injectFault(kind: never, times?: number, after?: number): void
}

/**
 * The request counter and fault injection of a local server: `failing` kinds fail a request
 * before it runs, `ran` kinds after it ran (the reply is lost); `stall` never answers.
 */
function serverFaults(
  server: () => FaultingServer | undefined,
  failing: readonly string[],
  ran: readonly string[],
): Pick<ConformanceConfig, 'requestCount' | 'injectNetworkFault' | 'faults'> {
  // each server types its kinds; the suite hands back the strings it was given here
  const inject = (kind: string, times: number, after: number) =>
    (server() as { injectFault(k: string, t: number, a: number): void } | undefined)?.injectFault(
      kind,
      times,
      after,
    )
  return {
    requestCount: () => server()?.requests ?? 0,
    injectNetworkFault: () => inject('network', 1, 0),
    faults: {
      kinds: [...failing.map((kind) => ({ kind, ran: false })), ...ran.map((kind) => ({ kind, ran: true }))],
      stall: 'stall',
      inject: (kind, after) => inject(kind, 1, after),
      count: () => server()?.requests ?? 0,
    },
  }
}

/** libSQL's embedded engine on a file (WAL, as libSQL servers run it). */
export function libsqlFileConfiguration(): ConformanceConfig {
  const file = freshFile('libsql')
  return {
    name: 'libsql-file',
    capabilities: libsqlNodeCapabilities,
    dialect: sqlite,
    async createEngine() {
      const engine = createAsyncEngine(libsqlNode(`file:${file}`))
      // As libSQL servers run: in rollback-journal mode a connection that has read holds a
      // shared lock until its transaction ends, and no other connection can commit a write.
      await engine.execute(text('PRAGMA journal_mode = WAL'))
      return engine
    },
    // a second engine on the same file: its write fails while a write lock is held
    createSecondEngine: async () => createAsyncEngine(libsqlNode(`file:${file}`)),
    // a file in a directory that does not exist cannot be opened
    createUnreachableEngine: async () => createAsyncEngine(libsqlNode('file:.tmp/no-such-dir/none.db')),
    unreachable: 'no-file',
    async dispose() {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
    },
  }
}

/** libSQL over Hrana HTTP (@libsql/client's web build) against the local Hrana server. */
export function libsqlHttpConfiguration(): ConformanceConfig {
  const TOKEN = 'hrana-token-Zq81xv-secret'
  let server: HranaServer | undefined
  return {
    name: 'libsql-http',
    capabilities: libsqlCapabilities,
    dialect: sqlite,
    secrets: [TOKEN],
    async createEngine() {
      // streams abandoned by a lost connection expire after 2 s (sqld: 10 s)
      server = await startHranaServer({ authToken: TOKEN, streamTimeoutMs: 2_000 })
      return createAsyncEngine(libsql(server.url, { authToken: TOKEN }))
    },
    createSecondEngine: async () => createAsyncEngine(libsql(server!.url, { authToken: TOKEN })),
    ...serverFaults(() => server, ['network', 'http-500'], ['drop-after-query']),
    createUnreachableEngine: async () =>
      createAsyncEngine(libsql(`http://127.0.0.1:${await closedPort()}`, { authToken: TOKEN })),
    unreachable: 'refused',
    wrongCredentials: {
      secret: 'wrong-hrana-token-Pk20xq',
      source: 'the authToken option of libsql()',
      createEngine: async () =>
        createAsyncEngine(libsql(server!.url, { authToken: 'wrong-hrana-token-Pk20xq' })),
    },
    openTransactions: () => server?.openStreams ?? 0,
    async dispose() {
      await server?.close()
    },
  }
}

/** Neon's HTTP endpoint (`neon()` of @neondatabase/serverless) against the local server. */
export function neonHttpConfiguration(): ConformanceConfig {
  const PASSWORD = 'neon-pw-Vq93kd-secret'
  let server: NeonHttpServer | undefined
  let db: Awaited<ReturnType<typeof createPgDatabase>> | undefined
  return {
    name: 'neon-http',
    capabilities: neonHttp('postgresql://u:p@127.0.0.1:1/x').capabilities,
    dialect: postgresql,
    secrets: [PASSWORD],
    async createEngine() {
      db = await createPgDatabase('neonhttp')
      server = await startNeonHttpServer()
      const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${db.name}`
      return createAsyncEngine(neonHttp(url, { fetchEndpoint: server.endpoint }))
    },
    ...serverFaults(() => server, ['network', 'http-500'], ['drop-after-query']),
    createUnreachableEngine: async () => {
      const port = await closedPort()
      return createAsyncEngine(
        neonHttp(`postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/${db!.name}`, {
          fetchEndpoint: `http://127.0.0.1:${port}/sql`,
        }),
      )
    },
    unreachable: 'refused',
    // the local PostgreSQL trusts every login: an unknown user is what it refuses (SQLSTATE 28000)
    wrongCredentials: {
      secret: 'wrong-neon-pw-Hq72za',
      source: 'the user name and password in the URL given to neonHttp()',
      createEngine: async () =>
        createAsyncEngine(
          neonHttp(`postgresql://ea_no_such_role:wrong-neon-pw-Hq72za@127.0.0.1:5432/${db!.name}`, {
            fetchEndpoint: server!.endpoint,
          }),
        ),
    },
    openTransactions: () => db!.openTransactions(),
    async dispose() {
      await server?.close()
      await db?.drop()
    },
  }
}

/** Neon over WebSocket (driver `Client`s) through the local WebSocket proxy. */
export function neonWsConfiguration(): ConformanceConfig {
  const PASSWORD = 'neon-ws-pw-Tz47qe-secret'
  const driver = { webSocketConstructor: ws, useSecureWebSocket: false, pipelineConnect: false } as const
  let proxy: NeonWsProxy | undefined
  let db: Awaited<ReturnType<typeof createPgDatabase>> | undefined
  return {
    name: 'neon-ws',
    capabilities: neonCapabilities,
    dialect: postgresql,
    secrets: [PASSWORD],
    async createEngine() {
      db = await createPgDatabase('neonws')
      proxy = await startNeonWsProxy()
      const url = `postgresql://postgres:${PASSWORD}@db.local/${db.name}`
      return createAsyncEngine(neon(url, { ...driver, wsProxy: proxy.wsProxy, scope: 'isolate' }))
    },
    // the next query's socket drops without an answer
    injectNetworkFault: () => proxy?.injectFault('drop-next-message'),
    faults: {
      kinds: [
        { kind: 'drop-next-message', ran: false },
        { kind: 'drop-next-reply', ran: true },
      ],
      stall: 'stall-next-message',
      inject: (kind, after) => proxy?.injectFault(kind as NeonWsFault, after),
      count: () => proxy?.messages ?? 0,
    },
    createUnreachableEngine: async () =>
      createAsyncEngine(
        neon(`postgresql://postgres:${PASSWORD}@db.local/${db!.name}`, {
          ...driver,
          wsProxy: (host, port) => `127.0.0.1:9/v2?address=${host}:${port}`,
          poolTimeout: 5_000,
        }),
      ),
    unreachable: 'refused',
    wrongCredentials: {
      secret: 'wrong-neon-ws-pw-Ju61mb',
      source: 'the user name and password in the URL given to neon()',
      createEngine: async () =>
        createAsyncEngine(
          neon(`postgresql://ea_no_such_role:wrong-neon-ws-pw-Ju61mb@db.local/${db!.name}`, {
            ...driver,
            wsProxy: proxy!.wsProxy,
            scope: 'isolate',
          }),
        ),
    },
    openTransactions: () => db!.openTransactions(),
    async dispose() {
      await proxy?.close()
      await db?.drop()
    },
  }
}

/** PlanetScale's HTTP API (@planetscale/database) against the local server over MariaDB. */
export function planetscaleConfiguration(): ConformanceConfig {
  const PASSWORD = 'pscale_pw_conformance_Kd82mw'
  let server: PlanetScaleServer | undefined
  let db: Awaited<ReturnType<typeof createMariaDatabase>> | undefined
  return {
    name: 'planetscale',
    capabilities: planetscaleCapabilities,
    dialect: mysql,
    secrets: [PASSWORD],
    async createEngine() {
      db = await createMariaDatabase('pscale')
      // sessions abandoned by a lost connection end after 6 s (vttablet: 20 s); shorter ends busy sessions under a loaded CI machine
      server = await startPlanetScaleServer({
        database: db.name,
        password: PASSWORD,
        sessionTimeoutMs: 6_000,
      })
      return createAsyncEngine(planetscale(server.url))
    },
    ...serverFaults(() => server, ['network', 'http-500', 'http-503'], ['drop-after-query']),
    createUnreachableEngine: async () =>
      createAsyncEngine(planetscale(`mysql://edgealchemy:${PASSWORD}@127.0.0.1:${await closedPort()}`)),
    unreachable: 'refused',
    wrongCredentials: {
      secret: 'pscale_pw_wrong_Rb38nc',
      source: 'the password in the URL given to planetscale()',
      createEngine: async () =>
        createAsyncEngine(
          planetscale(`mysql://edgealchemy:pscale_pw_wrong_Rb38nc@${new URL(server!.url).host}`),
        ),
    },
    openTransactions: () => server?.pinnedSessions ?? 0,
    async dispose() {
      await server?.close()
      await db?.drop()
    },
  }
}

/** Cloudflare D1 in workerd (miniflare), its binding's calls counted and faulted. */
export function d1Configuration(): ConformanceConfig {
  let server: D1Server | undefined
  return {
    name: 'd1',
    capabilities: d1Capabilities,
    dialect: d1Dialect,
    async createEngine() {
      server = await startD1()
      return createAsyncEngine(d1(server.binding))
    },
    ...serverFaults(() => server, ['network', 'overloaded', 'reset'], ['drop-after-query']),
    async createUnreachableEngine() {
      // a second local D1 whose every request fails as a lost connection does
      const down = await startD1()
      down.injectFault('network', 100)
      return createAsyncEngine({ ...d1(down.binding), close: () => down.dispose() })
    },
    unreachable: 'lost',
    async dispose() {
      await server?.dispose()
    },
  }
}
