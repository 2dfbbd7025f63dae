/**
 * The neon (WebSocket) adapter with the official @neondatabase/serverless driver, through
 * testing/servers/neon-ws (a Neon-like WebSocket proxy) in front of PostgreSQL on 127.0.0.1:5432.
 * Each adapter's URL sets `search_path` to this file's schema.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { neonConfig, Pool } from '@neondatabase/serverless'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import ws from 'ws'
import { type NeonAdapter, type NeonOptions, neon } from '../../adapters/neon/index.js'
import {
  type Adapter,
  createAsyncEngine,
  IntegrityError,
  type IsolationLevel,
  OperationalError,
  redactError,
  TimeoutError,
  text,
} from '../../core/index.js'
import { type NeonWsProxy, startNeonWsProxy } from '../../testing/servers/neon-ws/index.js'
import { uniqueName } from '../support/databases.js'

/** An isolation level as an untyped caller may spell it: adapters read any spelling and refuse unknown names. */
const spelled = (name: string) => name as IsolationLevel

const PASSWORD = 'pw_Zq8-s3cr3t-never-shown'
const schema = uniqueName('neon_ws')
let admin: pg.Client
let proxy: NeonWsProxy
const adapters: Adapter[] = []

const url = (password = PASSWORD) =>
  `postgresql://postgres:${password}@db.neon.local:5432/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`

function driverSettings(): NeonOptions {
  return {
    webSocketConstructor: ws,
    useSecureWebSocket: false,
    pipelineConnect: false,
    wsProxy: proxy.wsProxy,
  }
}

function make(options: NeonOptions = {}): NeonAdapter {
  const a = neon(url(), { ...driverSettings(), ...options })
  adapters.push(a)
  return a
}

const sql = (text: string, ...params: unknown[]) => ({ sql: text, params })

async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

function stringsOf(err: unknown, adapter: Adapter): string {
  const info = adapter.errorInfo(err)
  const kept = redactError(err, adapter.secrets ?? [])
  return [info.message, info.code, kept.message, kept.stack, String(kept), JSON.stringify(kept)].join('\n')
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

beforeAll(async () => {
  admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.query(
    `CREATE TABLE ${schema}.items (id serial PRIMARY KEY, name text UNIQUE NOT NULL, qty integer, price numeric(10,2), at timestamp, ok boolean, data jsonb)`,
  )
  proxy = await startNeonWsProxy()
})

afterAll(async () => {
  for (const a of adapters) await a.close().catch(() => undefined)
  await proxy?.close()
  await admin?.query(`DROP SCHEMA ${schema} CASCADE`)
  await admin?.end()
})

beforeEach(async () => {
  await admin.query(`TRUNCATE ${schema}.items RESTART IDENTITY`)
})

const count = async () => Number((await admin.query(`SELECT count(*) FROM ${schema}.items`)).rows[0].count)

describe('neon adapter (WebSocket) through the neon-ws proxy', () => {
  it('declares its capabilities', () => {
    expect(make().capabilities).toEqual({
      interactiveTransactions: true,
      atomicBatch: true,
      batchRoundTrips: 'per-statement',
      savepoints: true,
      maxParams: 65534,
      streaming: 'cursor',
    })
  })

  it('executes with parameters and returns raw text values with OIDs', async () => {
    const a = make()
    const ins = await a.execute(
      sql(
        'INSERT INTO items (name, qty, price, at, ok, data) VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, NULL, NULL, NULL, NULL) RETURNING id',
        'a',
        3,
        '12.50',
        '2024-01-02 03:04:05',
        true,
        '{"k":[1,2]}',
        'b',
        7,
      ),
    )
    expect(ins.rowsAffected).toBe(2)
    expect(ins.columns).toEqual(['id'])
    expect(ins.rows).toEqual([['1'], ['2']])
    const r = await a.execute(sql('SELECT id, name, qty, price, at, ok, data, name FROM items ORDER BY id'))
    expect(r.columns).toEqual(['id', 'name', 'qty', 'price', 'at', 'ok', 'data', 'name'])
    // int4, text, int4, numeric, timestamp, bool, jsonb, text
    expect(r.columnTypes).toEqual([23, 25, 23, 1700, 1114, 16, 3802, 25])
    expect(r.rows).toEqual([
      ['1', 'a', '3', '12.50', '2024-01-02 03:04:05', 't', '{"k": [1, 2]}', 'a'],
      ['2', 'b', '7', null, null, null, null, 'b'],
    ])
    const big = await a.execute(
      sql('SELECT $1::bigint + 0, $2::bytea', 9007199254740993n, new Uint8Array([1, 2])),
    )
    expect(big.rows).toEqual([['9007199254740993', '\\x0102']])
    const upd = await a.execute(sql('UPDATE items SET qty = qty + 1'))
    expect(upd.rowsAffected).toBe(2)
    expect(upd.columns).toEqual([])
  })

  it('runs a batch atomically, one round trip per statement plus BEGIN and COMMIT', async () => {
    const a = make()
    await a.execute(sql('SELECT 1')) // connection open and idle in the pool
    const before = proxy.messages
    const results = await a.batch([
      sql('INSERT INTO items (name) VALUES ($1)', 'x'),
      sql('INSERT INTO items (name) VALUES ($1)', 'y'),
      sql('SELECT count(*) FROM items'),
    ])
    expect(proxy.messages - before).toBe(5)
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 1])
    expect(results[2]?.rows).toEqual([['2']])
    expect(await count()).toBe(2)

    const err = await thrown(() =>
      a.batch([
        sql('INSERT INTO items (name) VALUES ($1)', 'z'),
        sql('INSERT INTO items (name) VALUES ($1)', 'x'),
        sql('INSERT INTO items (name) VALUES ($1)', 'w'),
      ]),
    )
    expect(a.errorInfo(err)).toMatchObject({ code: '23505', transport: false })
    expect(await count()).toBe(2)
    // the connection went back clean (not left in an aborted transaction)
    expect((await a.execute(sql('SELECT count(*) FROM items'))).rows).toEqual([['2']])
    expect(await a.batch([])).toEqual([])
    const ro = await thrown(() =>
      a.batch([sql('INSERT INTO items (name) VALUES ($1)', 'ro')], { readOnly: true }),
    )
    expect(a.errorInfo(ro).code).toBe('25006')
    const iso = await a.batch([sql('SHOW transaction_isolation')], { isolation: spelled('SERIALIZABLE') })
    expect(iso[0]?.rows).toEqual([['serializable']])
    await expect(
      a.batch([sql('SELECT 1')], { isolation: spelled('chaos; DROP TABLE items') }),
    ).rejects.toThrow(/Unknown isolation level/)
  })

  it('interactive transactions commit and roll back; savepoints roll back alone', async () => {
    const a = make()
    const tx = await a.begin()
    await tx.execute(sql('INSERT INTO items (name) VALUES ($1)', 'c1'))
    expect(await count()).toBe(0) // not visible outside before COMMIT
    await tx.commit()
    expect(await count()).toBe(1)

    const tx2 = await a.begin()
    await tx2.execute(sql('INSERT INTO items (name) VALUES ($1)', 'r1'))
    await tx2.rollback()
    expect(await count()).toBe(1)
    await expect(tx2.execute(sql('SELECT 1'))).rejects.toThrow(/already committed or rolled back/)

    const tx3 = await a.begin({ isolation: 'repeatable read' })
    expect((await tx3.execute(sql('SHOW transaction_isolation'))).rows).toEqual([['repeatable read']])
    await tx3.execute(sql('INSERT INTO items (name) VALUES ($1)', 'keep'))
    await tx3.execute(sql('SAVEPOINT sp1'))
    await tx3.execute(sql('INSERT INTO items (name) VALUES ($1)', 'drop'))
    const dup = await thrown(() => tx3.execute(sql('INSERT INTO items (name) VALUES ($1)', 'keep')))
    expect(a.errorInfo(dup).code).toBe('23505')
    await tx3.execute(sql('ROLLBACK TO SAVEPOINT sp1'))
    await tx3.execute(sql('RELEASE SAVEPOINT sp1'))
    await tx3.commit()
    const names = (await admin.query(`SELECT name FROM ${schema}.items ORDER BY id`)).rows.map((r) => r.name)
    expect(names).toEqual(['c1', 'keep'])

    // a COMMIT of a failed transaction is refused, not silently rolled back
    const tx4 = await a.begin()
    await thrown(() => tx4.execute(sql('SELECT 1/0')))
    const commitErr = await thrown(() => tx4.commit())
    expect(a.errorInfo(commitErr).code).toBe('25P02')
  })

  it('streams 1,000 rows through a cursor, never more than 100 per chunk', async () => {
    const a = make()
    await a.execute(sql("INSERT INTO items (name, qty) SELECT 'n' || g, g FROM generate_series(1, 1000) g"))
    const sizes: number[] = []
    let total = 0
    let last = 0
    for await (const chunk of a.stream(sql('SELECT qty FROM items WHERE qty > $1 ORDER BY qty', 0), 100)) {
      sizes.push(chunk.rows.length)
      expect(chunk.columns).toEqual(['qty'])
      expect(chunk.columnTypes).toEqual([23])
      for (const row of chunk.rows) {
        const v = Number(row[0])
        expect(v).toBe(last + 1)
        last = v
      }
      total += chunk.rows.length
    }
    expect(total).toBe(1000)
    expect(sizes).toEqual(Array(10).fill(100))

    // inside a transaction, stopping early closes the cursor and the transaction goes on
    const tx = await a.begin()
    let seen = 0
    for await (const chunk of tx.stream!(sql('SELECT qty FROM items ORDER BY qty'), 64)) {
      expect(chunk.rows.length).toBeLessThanOrEqual(64)
      seen += chunk.rows.length
      if (seen >= 128) break
    }
    expect(seen).toBe(128)
    const cursors = await tx.execute(sql('SELECT count(*) FROM pg_cursors'))
    expect(cursors.rows).toEqual([['0']])
    await tx.commit()

    // an empty result still yields its columns once
    const empty = []
    for await (const chunk of a.stream(sql('SELECT name FROM items WHERE false'), 10)) empty.push(chunk)
    expect(empty.map((c) => [c.columns, c.rows.length])).toEqual([[['name'], 0]])
  })

  it('streams through the engine with its cursor', async () => {
    const a = make()
    await a.execute(sql("INSERT INTO items (name, qty) SELECT 'e' || g, g FROM generate_series(1, 250) g"))
    const engine = createAsyncEngine(a)
    const conn = await engine.connect()
    try {
      const result = await conn.stream(text('SELECT name, qty FROM items ORDER BY qty'), { chunkSize: 100 })
      let n = 0
      for await (const _row of result) n++
      expect(n).toBe(250)
    } finally {
      await conn.close()
    }
    expect(Number(await engine.scalar(text('SELECT count(*) FROM items')))).toBe(250)
  })

  it('reports a unique violation as 23505 and an IntegrityError through the engine', async () => {
    const a = make()
    await a.execute(sql('INSERT INTO items (name) VALUES ($1)', 'u'))
    const err = await thrown(() => a.execute(sql('INSERT INTO items (name) VALUES ($1)', 'u')))
    expect(a.errorInfo(err)).toMatchObject({ code: '23505', transport: false })
    const engine = createAsyncEngine(a)
    const wrapped = await thrown(() => engine.execute(text("INSERT INTO items (name) VALUES ('u')")))
    expect(wrapped).toBeInstanceOf(IntegrityError)
    expect((wrapped as IntegrityError).code).toBe('23505')
  })

  it('raises TimeoutError when no connection frees up within poolTimeout', async () => {
    const a = make({ poolSize: 1, maxOverflow: 0, poolTimeout: 150 })
    const tx = await a.begin()
    const started = Date.now()
    const err = await thrown(() => a.execute(sql('SELECT 1')))
    expect(err).toBeInstanceOf(TimeoutError)
    expect(String(err)).toMatch(/poolTimeout/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    // a waiter gets the connection as soon as it is released
    const waiting = a.execute(sql('SELECT 2'))
    await tx.commit()
    expect((await waiting).rows).toEqual([['2']])
  })

  it('keeps poolSize connections idle and closes overflow ones on release', async () => {
    const a = make({ poolSize: 1, maxOverflow: 2 })
    const base = proxy.openSockets()
    const txs = await Promise.all([a.begin(), a.begin(), a.begin()])
    expect(proxy.openSockets() - base).toBe(3)
    for (const tx of txs) await tx.commit()
    await until(() => proxy.openSockets() - base === 1)
    await a.close()
    await until(() => proxy.openSockets() === base)
  })

  it('replaces connections older than poolRecycle', async () => {
    const a = make({ poolSize: 1, poolRecycle: 50 })
    const pid = async () => (await a.execute(sql('SELECT pg_backend_pid()'))).rows[0]?.[0]
    const first = await pid()
    expect(await pid()).toBe(first)
    await new Promise((r) => setTimeout(r, 80))
    expect(await pid()).not.toBe(first)
  })

  it('request scope: connections belong to the request and close at its end', async () => {
    const als = new AsyncLocalStorage()
    const a = make({ scope: 'request', asyncLocalStorage: als })
    const base = proxy.openSockets()
    const opened = proxy.connections
    const out = await a.scoped(async () => {
      // deep code uses the module-level adapter; the ALS finds the scope
      await a.execute(sql('SELECT 1'))
      await a.execute(sql('SELECT 2'))
      const tx = await a.begin()
      await tx.execute(sql('SELECT 3'))
      await tx.commit()
      expect(proxy.openSockets() - base).toBe(1) // reused within the request
      return 'done'
    })
    expect(out).toBe('done')
    expect(proxy.connections - opened).toBe(1)
    await until(() => proxy.openSockets() === base)

    // without a scope, no socket stays idle
    await a.execute(sql('SELECT 1'))
    await until(() => proxy.openSockets() === base)

    // the explicit form (no AsyncLocalStorage), with waitUntil taking the close
    const b = make({ scope: 'request' })
    let closing: Promise<unknown> | undefined
    await b.scoped(
      async (scoped) => {
        await scoped.execute(sql('SELECT 1'))
        await scoped.batch([sql('SELECT 1'), sql('SELECT 2')])
        expect(proxy.openSockets() - base).toBe(1)
      },
      { waitUntil: (p) => (closing = p) },
    )
    expect(closing).toBeDefined()
    await closing
    await until(() => proxy.openSockets() === base)

    // concurrent requests never share a connection; a transaction left open ends with its request
    const opened2 = proxy.connections
    const pids = await Promise.all(
      [1, 2].map(() =>
        a.scoped(async () => {
          const tx = await a.begin()
          await tx.execute(sql('INSERT INTO items (name) VALUES ($1)', `open-${Math.random()}`))
          await new Promise((r) => setTimeout(r, 20))
          return (await a.execute(sql('SELECT pg_backend_pid()'))).rows[0]?.[0]
        }),
      ),
    )
    expect(proxy.connections - opened2).toBe(4) // each request: its transaction's and its own
    expect(new Set(pids).size).toBe(2)
    await until(() => proxy.openSockets() === base)
    expect(await count()).toBe(0)

    // isolate scope keeps an idle socket between requests; endRequest() closes it
    const c = make()
    await c.execute(sql('SELECT 1'))
    expect(proxy.openSockets() - base).toBe(1)
    await c.endRequest()
    await until(() => proxy.openSockets() === base)
  })

  it('a connection dropped mid-transaction is a transport error; the pool recovers', async () => {
    const a = make({ poolSize: 1 })
    const tx = await a.begin()
    await tx.execute(sql('INSERT INTO items (name) VALUES ($1)', 'lost'))
    proxy.injectFault('drop-next-message')
    const err = await thrown(() => tx.execute(sql('INSERT INTO items (name) VALUES ($1)', 'lost2')))
    const info = a.errorInfo(err)
    expect(info.transport).toBe(true)
    expect(info.code).toBeUndefined()
    await tx.rollback()
    expect(await count()).toBe(0)
    // the broken connection was discarded: the next statement gets a fresh one
    expect((await a.execute(sql('SELECT 1'))).rows).toEqual([['1']])

    // through the engine: an OperationalError
    const engine = createAsyncEngine(a)
    const wrapped = await thrown(() =>
      engine.begin(async (conn) => {
        await conn.execute(text('SELECT 1'))
        proxy.injectFault('drop-all')
        await conn.execute(text('SELECT 2'))
      }),
    )
    expect(wrapped).toBeInstanceOf(OperationalError)
    expect((await a.execute(sql('SELECT 1'))).rows).toEqual([['1']])
  })

  it('a refused WebSocket is a transport error', async () => {
    const a = make()
    proxy.injectFault('refuse-next')
    const err = await thrown(() => a.execute(sql('SELECT 1')))
    expect(err).toBeInstanceOf(Error)
    expect(a.errorInfo(err)).toMatchObject({
      transport: true,
      message: expect.stringMatching(/WebSocket.*502/),
    })
    expect((await a.execute(sql('SELECT 1'))).rows).toEqual([['1']])
  })

  it('never shows the password in an error', async () => {
    const a = make({ poolSize: 1, maxOverflow: 0, poolTimeout: 50 })
    const errors: unknown[] = []
    errors.push(await thrown(() => a.execute(sql('SELECT * FROM missing_table'))))
    errors.push(await thrown(() => a.execute(sql(`SELECT '${PASSWORD}'::int`))))
    await a.execute(sql('INSERT INTO items (name) VALUES ($1)', PASSWORD))
    errors.push(await thrown(() => a.execute(sql('INSERT INTO items (name) VALUES ($1)', PASSWORD))))
    const tx = await a.begin()
    errors.push(await thrown(() => a.execute(sql('SELECT 1'))))
    proxy.injectFault('drop-next-message')
    errors.push(await thrown(() => tx.execute(sql('SELECT 1'))))
    await tx.rollback()
    // a proxy that is not there
    const dead = neon(url(), { ...driverSettings(), wsProxy: (h, p) => `127.0.0.1:1/v2?address=${h}:${p}` })
    adapters.push(dead)
    errors.push(await thrown(() => dead.execute(sql('SELECT 1'))))
    expect(dead.errorInfo(errors.at(-1)).transport).toBe(true)
    const engine = createAsyncEngine(a)
    errors.push(await thrown(() => engine.execute(text(`SELECT '${PASSWORD}'::int`))))
    expect(errors).toHaveLength(7)
    for (const err of errors) {
      const s = stringsOf(err, a)
      expect(s).not.toContain(PASSWORD)
    }
    expect(String((errors.at(-1) as Error).cause)).not.toContain(PASSWORD)
  })

  it('honours abort signals, refuses bad chunk sizes and a closed adapter', async () => {
    const a = make({ poolSize: 1 })
    const ac = new AbortController()
    const slow = a.execute(sql('SELECT pg_sleep(5)'), { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('gave up')), 30)
    await expect(slow).rejects.toThrow('gave up')
    // the busy connection was discarded, not handed to the next caller
    expect((await a.execute(sql('SELECT 1'))).rows).toEqual([['1']])
    await expect(
      a.execute(sql('SELECT 1'), { signal: AbortSignal.abort(new Error('early')) }),
    ).rejects.toThrow('early')
    const tx = await a.begin()
    await expect(async () => {
      for await (const _ of tx.stream!(sql('SELECT 1'), 0)) void _
    }).rejects.toThrow(/chunkSize/)
    await tx.rollback()
    await a.close()
    await expect(a.execute(sql('SELECT 1'))).rejects.toThrow(/closed/)
  })

  it('works over a driver Pool passed in, which close() leaves open', async () => {
    const pool = new Pool({ connectionString: url(), max: 2 })
    // a Pool takes the driver's global settings
    const saved = { ...neonConfig.opts }
    Object.assign(neonConfig, driverSettings())
    try {
      const a = neon(pool)
      expect(a.secrets).toContain(PASSWORD)
      await a.execute(sql('INSERT INTO items (name) VALUES ($1)', 'p'))
      const tx = await a.begin()
      await tx.execute(sql('INSERT INTO items (name) VALUES ($1)', 'q'))
      await tx.rollback()
      expect((await a.batch([sql('SELECT name FROM items')]))[0]?.rows).toEqual([['p']])
      await a.close()
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
      expect(() => neon(pool, { poolSize: 3 })).toThrow(/Pool you pass has its own settings/)
    } finally {
      await pool.end()
      neonConfig.opts = saved
    }
  })
})
