/**
 * The Worker (edge-examples/cloudflare) in workerd on PostgreSQL: `wrangler dev --local` with the
 * repository's wrangler.toml, as workerd.test.ts runs it on D1, but with the database named by
 * `--var` flags (as `[vars]` or `.dev.vars` would): once `DATABASE_ADAPTER=neon-http` against the
 * local Neon HTTP server, once `DATABASE_ADAPTER=neon` (WebSocket, workerd's global WebSocket)
 * through the local Neon WebSocket proxy (`NEON_WS_PROXY`; a loopback proxy is reached over `ws:`
 * with pipelining off, see edge-examples/app/engine.ts). Each case gets a fresh PostgreSQL
 * database whose tables are made here with the app's MetaData, then the whole API is driven over
 * HTTP (walkthrough.ts); on neon-http the requests each call costs at the server are counted too
 * (runtimes.ts), and on neon no socket may outlive the request that opened it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AsyncEngine, createAsyncEngine } from 'edgealchemy'
import { neon } from 'edgealchemy/neon'
import { neonHttp } from 'edgealchemy/neon-http'
import {
  type NeonHttpServer,
  type NeonWsProxy,
  startNeonHttpServer,
  startNeonWsProxy,
} from 'edgealchemy/testing/servers'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ws from 'ws'
import { metadata } from '../../edge-examples/app/index.ts'
import {
  call,
  createPgDatabase,
  defineApiTests,
  expectStatus,
  ROOT,
  type RuntimeProcess,
  type RuntimeSpec,
  startRuntime,
} from './runtimes.ts'
import { defineWalkthrough } from './walkthrough.ts'

const wrangler = join(ROOT, 'node_modules/wrangler/bin/wrangler.js')
/** No account, no network, no prompts (as workerd.test.ts). */
const offline = { CI: '1', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
/** Trust auth ignores it; it is there to be kept out of every reply. */
const PASSWORD = 'workerd-pg-pw-Hx82'

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/** `wrangler dev --local` on the port startRuntime chose, with `vars` as `--var NAME:VALUE` flags. */
function wranglerDev(persist: string, vars: Record<string, string>): RuntimeSpec {
  const flags = Object.entries(vars).map(([name, value]) => `--var ${quote(`${name}:${value}`)}`)
  return {
    name: 'workerd',
    command: 'sh',
    args: [
      '-c',
      `exec ${quote(process.execPath)} ${quote(wrangler)} dev --local --ip 127.0.0.1 --port "$PORT" ` +
        `--persist-to ${quote(persist)} ${flags.join(' ')}`,
    ],
  }
}

/** Runs one statement straight on the database (node-postgres, not through any server); its first row's values as numbers. */
async function pgRow(database: string, sql: string): Promise<number[]> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database })
  await client.connect()
  try {
    const result = await client.query({ text: sql, rowMode: 'array' })
    return (result.rows[0] as unknown[]).map(Number)
  } finally {
    await client.end()
  }
}

/** The backends other than the asker's connected to `database`. */
const backends = async (database: string) =>
  (
    await pgRow(
      database,
      'SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )
  )[0]

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function expectQuietLog(proc: RuntimeProcess): void {
  const output = proc.output()
  expect(output).not.toMatch(/Request\.cf|Unable to fetch/)
  expect(output).not.toMatch(/Uncaught|request failed/)
}

describe('runtime workerd', () => {
  describe('neon-http: DATABASE_ADAPTER=neon-http, the local Neon HTTP server', () => {
    let persist = ''
    let database: Awaited<ReturnType<typeof createPgDatabase>> | undefined
    let server: NeonHttpServer | undefined
    let engine: AsyncEngine | undefined
    let proc: RuntimeProcess | undefined
    const started = () => {
      if (proc === undefined) throw new Error('wrangler dev (neon-http) did not start')
      return proc
    }

    beforeAll(async () => {
      database = await createPgDatabase('workerd_http')
      server = await startNeonHttpServer()
      const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${database.name}`
      engine = createAsyncEngine(neonHttp(url, { fetchEndpoint: server.endpoint }))
      await metadata.createAll(engine)
      persist = mkdtempSync(join(tmpdir(), 'ea-workerd-neon-http-'))
      proc = await startRuntime(
        wranglerDev(persist, {
          DATABASE_ADAPTER: 'neon-http',
          DATABASE_URL: url,
          NEON_FETCH_ENDPOINT: server.endpoint,
        }),
        'wrangler-dev-neon-http',
        offline,
      )
    })

    afterAll(async () => {
      await proc?.stop()
      await engine?.dispose()
      await server?.close()
      await database?.drop()
      if (persist) rmSync(persist, { recursive: true, force: true })
    })

    defineWalkthrough(started, (sql) => pgRow(database!.name, sql), 'neon-http')

    describe('requests at the Neon HTTP server', () => {
      defineApiTests('neon-http', () => ({
        proc: started(),
        requests: () => server!.requests,
        engine: engine!,
      }))
    })

    it('logs no Request.cf warning and no uncaught error', () => {
      expectQuietLog(started())
    })
  })

  describe('neon: DATABASE_ADAPTER=neon, WebSocket through the local Neon proxy', () => {
    let persist = ''
    let database: Awaited<ReturnType<typeof createPgDatabase>> | undefined
    let proxy: NeonWsProxy | undefined
    let proc: RuntimeProcess | undefined
    const started = () => {
      if (proc === undefined) throw new Error('wrangler dev (neon) did not start')
      return proc
    }

    beforeAll(async () => {
      database = await createPgDatabase('workerd_ws')
      proxy = await startNeonWsProxy()
      const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${database.name}`
      // the tables, through the same proxy from Node (Node 20 has no global WebSocket: ws)
      const engine = createAsyncEngine(
        neon(url, {
          webSocketConstructor: ws,
          useSecureWebSocket: false,
          pipelineConnect: false,
          wsProxy: proxy.wsProxy,
        }),
      )
      try {
        await metadata.createAll(engine)
      } finally {
        await engine.dispose()
      }
      proxy.resetCount()
      persist = mkdtempSync(join(tmpdir(), 'ea-workerd-neon-ws-'))
      proc = await startRuntime(
        wranglerDev(persist, {
          DATABASE_ADAPTER: 'neon',
          DATABASE_URL: url,
          NEON_WS_PROXY: `127.0.0.1:${proxy.port}/v2`,
        }),
        'wrangler-dev-neon-ws',
        offline,
      )
    })

    afterAll(async () => {
      await proc?.stop()
      await proxy?.close()
      await database?.drop()
      if (persist) rmSync(persist, { recursive: true, force: true })
    })

    it('GET /authors goes through the proxy, and its socket is closed with the request', async () => {
      const before = proxy!.connections
      const reply = await call(started(), 'GET', '/authors')
      expectStatus(reply, 200, started())
      expect(reply.body).toEqual({ items: [], nextCursor: null })
      expect(proxy!.connections - before).toBe(1)
    })

    defineWalkthrough(started, (sql) => pgRow(database!.name, sql), 'neon')

    it('no socket outlives its request: none open at the proxy, no backend left on PostgreSQL', async () => {
      expect(proxy!.connections).toBeGreaterThan(20)
      let open = { sockets: -1, backends: -1 }
      for (let i = 0; i < 50; i++) {
        open = { sockets: proxy!.openSockets(), backends: (await backends(database!.name))! }
        if (open.sockets === 0 && open.backends === 0) break
        await sleep(50)
      }
      expect(open).toEqual({ sockets: 0, backends: 0 })
    })

    it('logs no Request.cf warning and no uncaught error', () => {
      expectQuietLog(started())
    })
  })
})
