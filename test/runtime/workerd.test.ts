/**
 * Runtime tests: our code bundled as users deploy it (esbuild, esm, browser platform, workerd
 * conditions) and run inside a real workerd (miniflare), over D1, Neon's HTTP endpoint and Neon's
 * WebSocket proxy (the local servers of testing/servers in front of PostgreSQL on 127.0.0.1).
 * One Miniflare per group; bundles go to .tmp/runtime/.
 */
import type { Miniflare } from 'miniflare'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAllDdl, postgresql } from '../../core/index.js'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { type NeonWsProxy, startNeonWsProxy } from '../../testing/servers/neon-ws/index.js'
import { uniqueName } from '../support/databases.js'
import { call, startWorker, timings, until } from './support.js'
import { metadata } from './workers/tables.js'

afterAll(() => {
  console.log(`workerd runtime timings (ms): ${JSON.stringify(timings)}`)
})

describe('runtime workerd-d1', () => {
  let mf: Miniflare

  beforeAll(async () => {
    mf = await startWorker('d1', { d1Databases: ['DB'], cf: false })
    expect(await call(mf, '/setup')).toMatchObject({ status: 200, ok: true })
  })
  afterAll(async () => {
    await mf?.dispose()
  })

  it('an engine made on the first request serves the later ones (one per isolate)', async () => {
    const a = await call(mf, '/count')
    const b = await call(mf, '/count')
    expect(a).toMatchObject({ status: 200, count: 0, enginesCreated: 1 })
    expect(b).toMatchObject({ status: 200, count: 0, enginesCreated: 1 })
    expect(b.requests).toBe(a.requests + 1)
  })

  it('an insert and a select round-trip typed values (Boolean, DateTime)', async () => {
    const inserted = await call(mf, '/insert?name=ada&joined=2026-01-02T03:04:05.678Z')
    expect(inserted.status).toBe(200)
    const expected = {
      name: 'ada',
      active: true,
      joined: '2026-01-02T03:04:05.678Z',
      types: { active: 'boolean', joinedIsDate: true },
    }
    expect(inserted.inserted).toEqual([{ id: expect.any(Number), ...expected }])
    const off = await call(mf, '/insert?name=bob&active=false')
    expect(off.inserted[0]).toMatchObject({ active: false, types: { active: 'boolean' } })

    const selected = await call(mf, '/select?name=ada')
    expect(selected.rows).toEqual([{ id: inserted.inserted[0].id, ...expected }])
    expect(selected.enginesCreated).toBe(1)
  })

  it('engine.batch is atomic: a failing statement leaves nothing of the batch', async () => {
    const ok = await call(mf, '/batch?name=b1')
    expect(ok).toMatchObject({ status: 200, ok: true })
    expect(ok.after).toBe(ok.before + 2)

    const failed = await call(mf, '/batch?name=b2&fail')
    expect(failed).toMatchObject({ status: 200, ok: false, error: { name: 'IntegrityError' } })
    expect(failed.after).toBe(failed.before)
    expect((await call(mf, '/select?name=b2')).rows).toEqual([])
  })

  it('the ORM commits related objects as one batch() call and loads them back', async () => {
    expect(await call(mf, '/orm?name=owls')).toMatchObject({
      status: 200,
      team: 'owls',
      members: ['owls-1', 'owls-2'],
      backRef: true,
      commitRequests: 1,
    })
  })
})

describe('runtime workerd-hono-d1', () => {
  let mf: Miniflare

  beforeAll(async () => {
    mf = await startWorker('hono', { d1Databases: ['DB'], compatibilityFlags: ['nodejs_als'], cf: false })
    expect(await call(mf, '/m/setup')).toMatchObject({ status: 200, ok: true })
  })
  afterAll(async () => {
    await mf?.dispose()
  })

  const team = (name: string) => ({
    id: expect.any(String),
    name,
    members: [`${name}-1`, `${name}-2`],
    backRef: true,
  })

  it('commits an ORM object per request (one batch) and reads it back in a later request', async () => {
    const written = await call(mf, '/m/write?name=hawks')
    expect(written).toMatchObject({ status: 200, ok: true, commitRequests: 1 })
    const read = await call(mf, '/m/teams?name=hawks')
    expect(read).toEqual({ status: 200, teams: [{ ...team('hawks'), id: written.id }] })
  })

  it('gives concurrent requests their own sessions', async () => {
    const names = ['p1', 'p2', 'p3', 'p4']
    const before = (await call(mf, '/stats')).sessions
    const replies = await Promise.all(names.map((name) => call(mf, `/m/write?name=${name}`)))
    for (const res of replies) expect(res).toMatchObject({ status: 200, ok: true, commitRequests: 1 })
    expect((await call(mf, '/stats')).sessions).toBe(before + names.length)
    for (const name of names) expect((await call(mf, `/m/teams?name=${name}`)).teams).toEqual([team(name)])
  })

  it('commits nothing of a request whose handler failed: hono answers with onError', async () => {
    const res = await call(mf, '/m/write?name=crows&fail')
    expect(res).toMatchObject({ status: 500, ok: false, error: { name: 'Error' } })
    expect((await call(mf, '/m/teams?name=crows')).teams).toEqual([])
  })

  it("commit: 'on-success' commits after a handler that succeeded, and not after one that failed", async () => {
    expect(await call(mf, '/auto/write?name=wrens')).toMatchObject({ status: 201, ok: true })
    expect((await call(mf, '/m/teams?name=wrens')).teams).toEqual([team('wrens')]) // keyed at the commit
    expect((await call(mf, '/auto/write?name=jays&fail')).status).toBe(500)
    expect((await call(mf, '/m/teams?name=jays')).teams).toEqual([])
  })

  it('runs with asyncScopedSession over an AsyncLocalStorage (nodejs_als)', async () => {
    const res = await call(mf, '/scoped/write?name=rooks')
    expect(res).toMatchObject({ status: 200, ok: true, same: true })
    expect((await call(mf, '/m/teams?name=rooks')).teams).toEqual([{ ...team('rooks'), id: res.id }])
    expect((await call(mf, '/scoped/write?name=terns&fail')).status).toBe(500)
    expect((await call(mf, '/m/teams?name=terns')).teams).toEqual([])
  })

  it('calls each factory once per isolate, on its first request (the engine is reused)', async () => {
    const stats = await call(mf, '/stats')
    expect(stats.factoryCalls).toEqual({ manual: 1, auto: 1, scoped: 1 })
    expect(stats.requests).toBeGreaterThan(10)
  })
})

/** A fresh PostgreSQL schema with the items table; the URL selects it (`options=-c search_path`). */
async function postgresSchema(prefix: string) {
  const schema = uniqueName(prefix)
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.query(`SET search_path TO ${schema}`)
  for (const ddl of createAllDdl(metadata, postgresql)) await admin.query(ddl)
  const url = (host: string) =>
    `postgresql://postgres:pw@${host}/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  return {
    admin,
    url,
    async count(): Promise<number> {
      return Number((await admin.query('SELECT count(*) AS n FROM items')).rows[0].n)
    },
    async drop(): Promise<void> {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`)
      await admin.end()
    },
  }
}

describe('runtime workerd-neon-http', () => {
  let mf: Miniflare
  let server: NeonHttpServer
  let db: Awaited<ReturnType<typeof postgresSchema>>

  beforeAll(async () => {
    ;[server, db] = await Promise.all([startNeonHttpServer(), postgresSchema('rt_neon_http')])
    mf = await startWorker('neon-http', {
      cf: false,
      bindings: { DATABASE_URL: db.url('db.neon.example:5432'), FETCH_ENDPOINT: server.endpoint },
    })
  })
  afterAll(async () => {
    await mf?.dispose()
    await server?.close()
    await db?.drop()
  })

  it('an engine at module scope serves several requests over the local HTTP endpoint', async () => {
    server.resetCount()
    const first = await call(mf, '/insert?name=ada')
    expect(first).toMatchObject({ status: 200, enginesCreated: 1 })
    expect(first.inserted).toEqual([
      {
        id: expect.any(Number),
        name: 'ada',
        active: true,
        joined: '2026-01-02T03:04:05.678Z',
        types: { active: 'boolean', joinedIsDate: true },
      },
    ])
    const counts = []
    for (let i = 0; i < 3; i++) counts.push(await call(mf, '/count'))
    for (const c of counts) expect(c).toMatchObject({ status: 200, count: 1, enginesCreated: 1 })
    expect(server.requests).toBe(4)
  })

  it('the ORM commits related objects in one request and loads them back', async () => {
    server.resetCount()
    expect(await call(mf, '/orm?name=larks')).toMatchObject({
      status: 200,
      team: 'larks',
      members: ['larks-1', 'larks-2'],
      backRef: true,
      commitRequests: 1,
    })
    expect(server.requests).toBe(3) // the commit, the team, its members
  })

  it('engine.batch is one atomic request', async () => {
    const before = await db.count()
    server.resetCount()
    expect(await call(mf, '/batch?name=h1')).toMatchObject({ status: 200, ok: true })
    const failed = await call(mf, '/batch?name=h2&fail')
    expect(failed).toMatchObject({ status: 200, ok: false, error: { name: 'IntegrityError' } })
    expect(server.requests).toBe(2)
    expect(await db.count()).toBe(before + 2)
  })
})

describe('runtime workerd-neon-ws', () => {
  let mf: Miniflare
  let proxy: NeonWsProxy
  let db: Awaited<ReturnType<typeof postgresSchema>>

  beforeAll(async () => {
    ;[proxy, db] = await Promise.all([startNeonWsProxy(), postgresSchema('rt_neon_ws')])
    mf = await startWorker('neon', {
      compatibilityFlags: ['nodejs_als'],
      cf: false,
      bindings: { DATABASE_URL: db.url('db.neon.example:5432'), PROXY: `${proxy.host}:${proxy.port}` },
    })
  })
  afterAll(async () => {
    await mf?.dispose()
    await proxy?.close()
    await db?.drop()
  })

  const row = (name: string) => ({
    id: expect.any(Number),
    name,
    active: true,
    joined: '2026-01-02T03:04:05.678Z',
    types: { active: 'boolean', joinedIsDate: true },
  })

  it("scope: 'request' opens a connection per request and leaves no socket open after it", async () => {
    proxy.resetCount()
    for (const name of ['r1', 'r2', 'r3']) {
      // the second and third would fail with "Cannot perform I/O on behalf of a different request" (or hang) if a socket outlived its request
      const res = await call(mf, `/request/tx?name=${name}`)
      expect(res).toMatchObject({ status: 200, ok: true })
      expect(res.body.rows).toEqual([row(name)])
      await until(() => proxy.openSockets() === 0)
    }
    expect(proxy.connections).toBe(3)
    expect(await db.count()).toBe(3)
  })

  it("scope: 'request' keeps concurrent requests on their own sockets", async () => {
    proxy.resetCount()
    const names = ['c1', 'c2', 'c3', 'c4']
    const replies = await Promise.all(names.map((name) => call(mf, `/request/tx?name=${name}`)))
    for (const [i, res] of replies.entries()) {
      expect(res).toMatchObject({ status: 200, ok: true })
      expect(res.body.rows).toEqual([row(names[i]!)])
    }
    expect(proxy.connections).toBe(4)
    await until(() => proxy.openSockets() === 0)
  })

  it("without a scope option the adapter takes scope 'request' under workerd", async () => {
    for (const name of ['d1', 'd2']) {
      expect(await call(mf, `/default/tx?name=${name}`)).toMatchObject({ status: 200, ok: true })
      await until(() => proxy.openSockets() === 0)
    }
  })

  it("scope: 'request' outside scoped() closes each connection when it is released", async () => {
    for (const name of ['u1', 'u2']) {
      expect(await call(mf, `/unscoped/tx?name=${name}`)).toMatchObject({ status: 200, ok: true })
      await until(() => proxy.openSockets() === 0)
    }
    expect(await call(mf, '/unscoped/now')).toMatchObject({ status: 200, ok: true })
    await until(() => proxy.openSockets() === 0)
  })

  // Why 'request' is the only scope under workerd: with one pool per isolate, the socket opened
  // by one request would stay idle in the pool for the next one, and workerd refuses I/O on it
  // (measured: the next request hung, or failed every other time). The adapter refuses it.
  it("scope: 'isolate' is refused under workerd, naming the reason and the default", async () => {
    for (const variant of ['isolate', 'isolate-nocoalesce']) {
      const res = await call(mf, `/${variant}/tx?name=i1`)
      expect(res).toMatchObject({ status: 500, ok: false, error: { name: 'ArgumentError' } })
      expect(res.error.message).toMatch(
        /scope: 'isolate' cannot work under workerd.*Use the default scope: 'request'/,
      )
    }
    expect(proxy.openSockets()).toBe(0)
  })
})
