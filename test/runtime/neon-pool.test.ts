/**
 * Workers-safe pooling of the neon (WebSocket) adapter with DEFAULT options: hono + ormSession
 * (edgealchemy/hono) in a real workerd (miniflare), through the local WebSocket proxy
 * (testing/servers/neon-ws) in front of PostgreSQL on 127.0.0.1, over a fresh database.
 * 2 sequential, then 50 and 200 concurrent requests must all be answered, no request may see a
 * socket opened by another ('Cannot perform I/O on behalf of a different request'), and
 * PostgreSQL must never see more than 10 backends (the default per isolate) from the Worker;
 * the same for requests inside `adapter.scoped()`. Then the limit's rules, in Node.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Readable } from 'node:stream'
import { neonConfig, Pool } from '@neondatabase/serverless'
import type { Miniflare } from 'miniflare'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ws from 'ws'
import { type NeonOptions, neon } from '../../adapters/neon/index.js'
import { createAllDdl, postgresql, TimeoutError } from '../../core/index.js'
import { type NeonWsProxy, startNeonWsProxy } from '../../testing/servers/neon-ws/index.js'
import { createPgDatabase } from '../conformance/support.js'
import { call, startWorker, timings, until } from './support.js'
import { metadata } from './workers/tables.js'

const crossRequest = /on behalf of a different request/i
/** The adapter's default limit of sockets per isolate in request mode (workerd). */
const MAX_SOCKETS = 10

let mf: Miniflare
let proxy: NeonWsProxy
let db: Awaited<ReturnType<typeof createPgDatabase>>
/** Connected to the test database (excluded from the backend counts). */
let admin: pg.Client
let adminPid: number
/** Connected to `postgres`, samples pg_stat_activity. */
let monitor: pg.Client
/** What workerd printed (stdout and stderr). */
let runtimeOutput = ''
const measured: Record<string, unknown> = {}

const conn = (database: string) =>
  new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database })

beforeAll(async () => {
  ;[proxy, db] = await Promise.all([startNeonWsProxy(), createPgDatabase('rt_neon_pool')])
  admin = conn(db.name)
  monitor = conn('postgres')
  await Promise.all([admin.connect(), monitor.connect()])
  adminPid = (await admin.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
  for (const ddl of createAllDdl(metadata, postgresql)) await admin.query(ddl)
  mf = await startWorker('hono-neon', {
    cf: false,
    compatibilityFlags: ['nodejs_als'],
    bindings: {
      DATABASE_URL: `postgresql://postgres:pw@db.neon.example:5432/${db.name}`,
      PROXY: `${proxy.host}:${proxy.port}`,
    },
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on('data', (b: Buffer) => (runtimeOutput += b.toString()))
      stderr.on('data', (b: Buffer) => (runtimeOutput += b.toString()))
    },
  })
})

afterAll(async () => {
  console.log(`neon pool runtime (ms, counts): ${JSON.stringify({ ...timings, ...measured })}`)
  await mf?.dispose()
  await proxy?.close()
  await Promise.all([admin?.end(), monitor?.end()])
  await db?.drop()
})

/** Client backends of the test database now, other than `admin`. */
async function backends(): Promise<number> {
  const r = await monitor.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> $2",
    [db.name, adminPid],
  )
  return r.rows[0].n
}

/**
 * Sends the requests at once (one `/write?name=` each) while sampling PostgreSQL's backends of
 * the database and the proxy's open sockets; the replies, the highest counts and the time.
 */
async function burst(names: readonly string[], route = '/write') {
  let maxSockets = 0
  let maxBackends = 0
  let samples = 0
  let sampling = true
  const socketTimer = setInterval(() => {
    maxSockets = Math.max(maxSockets, proxy.openSockets())
  }, 1)
  const backendLoop = (async () => {
    while (sampling) {
      maxBackends = Math.max(maxBackends, await backends())
      samples++
      await new Promise((r) => setTimeout(r, 2))
    }
  })()
  proxy.resetCount()
  const t0 = performance.now()
  try {
    const replies = await Promise.all(names.map((name) => call(mf, `${route}?name=${name}`)))
    const ms = Math.round(performance.now() - t0)
    return { replies, ms, maxSockets, maxBackends, samples, sockets: proxy.connections }
  } finally {
    sampling = false
    clearInterval(socketTimer)
    await backendLoop
  }
}

function expectAnswered(replies: any[], names: readonly string[]): void {
  const failed = replies.filter((r) => r.status !== 200)
  expect(failed.filter((r) => crossRequest.test(JSON.stringify(r)))).toEqual([])
  expect(failed).toEqual([])
  for (const [i, res] of replies.entries())
    expect(res).toEqual({
      status: 200,
      ok: true,
      id: expect.any(String),
      read: [{ id: res.id, name: names[i] }],
    })
}

/** Names of the teams in the database, checked with pg directly. */
async function namesInDb(): Promise<string[]> {
  return (await admin.query('SELECT name FROM rt_teams')).rows.map((r) => r.name).sort()
}

describe('runtime workerd-hono-neon-ws-pool', () => {
  const written: string[] = []

  it('answers 2 sequential requests, each socket closed after its request', async () => {
    for (const name of ['s0', 's1']) {
      const res = await call(mf, `/write?name=${name}`)
      expectAnswered([res], [name])
      written.push(name)
      await until(() => proxy.openSockets() === 0)
    }
    expect(await namesInDb()).toEqual([...written].sort())
  })

  for (const n of [50, 200]) {
    it(`answers ${n} concurrent requests with at most ${MAX_SOCKETS} sockets and backends`, async () => {
      const names = Array.from({ length: n }, (_, i) => `c${n}_${i}`)
      const { replies, ms, maxSockets, maxBackends, samples, sockets } = await burst(names)
      measured[`${n} concurrent`] = { ms, maxSockets, maxBackends, backendSamples: samples, sockets }
      expectAnswered(replies, names)
      written.push(...names)
      expect(await namesInDb()).toEqual([...written].sort())
      expect(maxSockets).toBeGreaterThan(1) // the requests did run concurrently
      expect(maxSockets).toBeLessThanOrEqual(MAX_SOCKETS)
      expect(maxBackends).toBeLessThanOrEqual(MAX_SOCKETS)
      await until(() => proxy.openSockets() === 0)
    })
  }

  it(`inside adapter.scoped(): 50 concurrent requests, at most ${MAX_SOCKETS} sockets across the scopes`, async () => {
    const names = Array.from({ length: 50 }, (_, i) => `scoped_${i}`)
    const { replies, ms, maxSockets, maxBackends, samples, sockets } = await burst(names, '/scoped/write')
    measured['50 concurrent scoped'] = { ms, maxSockets, maxBackends, backendSamples: samples, sockets }
    expectAnswered(replies, names)
    written.push(...names)
    expect(await namesInDb()).toEqual([...written].sort())
    expect(maxSockets).toBeGreaterThan(1)
    expect(maxSockets).toBeLessThanOrEqual(MAX_SOCKETS)
    expect(maxBackends).toBeLessThanOrEqual(MAX_SOCKETS)
    await until(() => proxy.openSockets() === 0)
  })

  it('one engine per route served every request; workerd never refused a cross-request socket', async () => {
    expect(await call(mf, '/stats')).toMatchObject({ status: 200, factoryCalls: 2, requests: 303 })
    expect(runtimeOutput).not.toMatch(crossRequest)
    await until(() => proxy.openSockets() === 0)
    expect(await backends()).toBe(0)
  })
})

describe("the socket limit of scope: 'request', in Node", () => {
  const made: { close(): Promise<void> }[] = []
  afterAll(async () => {
    for (const a of made) await a.close()
  })
  const make = (options: NeonOptions) => {
    const a = neon(`postgresql://postgres:pw@db.neon.example:5432/${db.name}`, {
      webSocketConstructor: ws,
      useSecureWebSocket: false,
      pipelineConnect: false,
      wsProxy: proxy.wsProxy,
      ...options,
    })
    made.push(a)
    return a
  }
  const pidSql = { sql: 'SELECT pg_backend_pid()', params: [] }
  const settle = () => new Promise((r) => setTimeout(r, 50))

  it('holds across scopes; a released socket is closed, and the waiter opens its own', async () => {
    const als = new AsyncLocalStorage()
    const a = make({ scope: 'request', asyncLocalStorage: als, maxConnections: 2 })
    const base = proxy.openSockets()
    const opened = proxy.connections
    const tx = await a.begin() // outside any scope
    const pid1 = (await tx.execute(pidSql)).rows[0]![0]
    let endScope!: () => void
    const scope = a.scoped(async () => {
      const inner = await a.begin() // the scope's own connection
      await new Promise<void>((r) => (endScope = r))
      await inner.commit()
    })
    await until(() => proxy.openSockets() - base === 2)
    const waiting = a.execute(pidSql) // a third: waits for one of the two to close
    await settle()
    expect(proxy.connections - opened).toBe(2)
    await tx.commit()
    const pid3 = (await waiting).rows[0]![0]
    expect(pid3).not.toBe(pid1) // a new connection, not the released one
    expect(proxy.connections - opened).toBe(3)
    endScope()
    await scope
    await until(() => proxy.openSockets() === base)
  })

  it('a wait ends at poolTimeout with a TimeoutError, or when the signal aborts', async () => {
    const a = make({ scope: 'request', maxConnections: 1, poolTimeout: 150 })
    const tx = await a.begin()
    const started = Date.now()
    const err = await a.execute(pidSql).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(String(err)).toMatch(/maxConnections.*150 ms \(poolTimeout\)/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    const ac = new AbortController()
    const aborted = a.execute(pidSql, { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('operation timeout')), 20)
    await expect(aborted).rejects.toThrow('operation timeout')
    await tx.commit()
    expect((await a.execute({ sql: 'SELECT 1', params: [] })).rows).toEqual([['1']]) // nothing leaked
  })

  it("over a driver Pool: at most the Pool's max, each client destroyed on release, none handed on", async () => {
    const saved = { ...neonConfig.opts }
    Object.assign(neonConfig, { webSocketConstructor: ws, useSecureWebSocket: false, pipelineConnect: false })
    neonConfig.wsProxy = proxy.wsProxy
    const pool = new Pool({
      connectionString: `postgresql://postgres:pw@db.neon.example:5432/${db.name}`,
      max: 2,
    })
    try {
      const a = neon(pool, { scope: 'request', poolTimeout: 2000 })
      const base = proxy.openSockets()
      const txs = await Promise.all([a.begin(), a.begin()])
      const pids = await Promise.all(txs.map(async (t) => (await t.execute(pidSql)).rows[0]![0]))
      const waiting = a.execute(pidSql)
      await settle()
      expect(proxy.openSockets() - base).toBe(2)
      await txs[0]!.commit()
      expect(pids).not.toContain((await waiting).rows[0]![0])
      await txs[1]!.commit()
      expect(pool.totalCount).toBe(0) // nothing went back to the Pool
      await until(() => proxy.openSockets() === base)
      expect(() => neon(pool, { scope: 'isolate', maxConnections: 2 })).toThrow(/maxConnections/)
    } finally {
      await pool.end()
      neonConfig.opts = saved
    }
  })

  it('poolSize + maxOverflow below maxConnections bound it; maxConnections caps isolate mode too', async () => {
    expect(() => make({ scope: 'request', maxConnections: 0 })).toThrow(/maxConnections/)
    expect(() => make({ scope: 'request', maxConnections: 1.5 })).toThrow(/maxConnections/)
    for (const options of [
      { scope: 'request', poolSize: 1, maxOverflow: 1 },
      { scope: 'isolate', maxConnections: 2 },
    ] as const) {
      const a = make({ ...options, poolTimeout: 100 })
      const txs = await Promise.all([a.begin(), a.begin()])
      await expect(a.execute(pidSql)).rejects.toBeInstanceOf(TimeoutError)
      for (const t of txs) await t.commit()
    }
  })
})
