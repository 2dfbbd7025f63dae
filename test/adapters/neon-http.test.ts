/**
 * The neon-http adapter with the official `neon()` driver of @neondatabase/serverless, against
 * testing/servers/neon-http in front of the real PostgreSQL (127.0.0.1:5432), in a schema of its
 * own (the connection string's `options=-c search_path=...`). Request counts, atomic batches,
 * isolation/read-only, SQLSTATEs, injected faults and credential redaction.
 */
import { neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { neonHttp } from '../../adapters/neon-http/index.js'
import {
  type Adapter,
  ArgumentError,
  Column,
  createAll,
  createAsyncEngine,
  delete_,
  IntegrityError,
  type IsolationLevel,
  insert,
  MetaData,
  OperationalError,
  postgresql,
  redactError,
  select,
  Table,
  t,
  UnsupportedCapabilityError,
  update,
} from '../../core/index.js'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { openPostgres, type TestDatabase } from '../support/databases.js'

/** An isolation level as an untyped caller may spell it: adapters read any spelling and refuse unknown names. */
const spelled = (name: string) => name as IsolationLevel

const PASSWORD = 'pw_N30n-s3cr3t/value+never%20shown'
const ENCODED = encodeURIComponent(PASSWORD)

const metadata = new MetaData()
const items = new Table('items', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false, unique: true }),
  qty: new Column(t.Integer, { nullable: true }),
  price: new Column(t.Numeric(10, 2), { nullable: true }),
  active: new Column(t.Boolean, { nullable: true }),
  data: new Column(t.LargeBinary, { nullable: true }),
})

let server: NeonHttpServer
let db: TestDatabase
let schema: string
let adapter: Adapter

const pgUrl = (host: string) =>
  `postgresql://postgres:${ENCODED}@${host}/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`
const run = (sql: string, params: unknown[] = []) => adapter.execute({ sql, params })
const count = async () => (await run('SELECT count(*) FROM items')).rows[0]?.[0]

/** Runs `fn` and returns what it threw. */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

/** Every string an error could show: message, stack, toString, JSON, inspection, errorInfo, causes. */
function stringsOf(err: unknown, a: Adapter = adapter): string {
  const out: unknown[] = [JSON.stringify(a.errorInfo(err))]
  let e: unknown = err
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    const x = e as Error
    out.push(
      x.message,
      x.stack,
      String(x),
      JSON.stringify(x),
      Object.values(x as object)
        .map(String)
        .join(' '),
    )
    e = x.cause
  }
  const kept = redactError(err, a.secrets ?? [])
  out.push(kept.message, kept.stack)
  return out.join('\n')
}

function expectNoPassword(err: unknown, a: Adapter = adapter) {
  const text = stringsOf(err, a)
  expect(text).not.toContain(PASSWORD)
  expect(text).not.toContain(ENCODED)
}

beforeAll(async () => {
  server = await startNeonHttpServer()
  db = await openPostgres('neon_http')
  schema = String((await db.exec('SELECT current_schema()'))[0]?.[0])
  await createAll(metadata, db)
  // a loopback host in the URL: the adapter reaches the local server at http://127.0.0.1:PORT/sql
  adapter = neonHttp(pgUrl(`127.0.0.1:${server.port}`))
})

afterAll(async () => {
  await adapter?.close()
  await server?.close()
  await db?.close()
})

beforeEach(async () => {
  await db.exec('DELETE FROM items')
  server.resetCount()
})

describe('neon-http adapter', () => {
  it('declares the neon-http capabilities and has no interactive transactions', () => {
    expect(adapter.name).toBe('neon-http')
    expect(adapter.capabilities).toEqual({
      interactiveTransactions: false,
      atomicBatch: true,
      batchRoundTrips: 'one',
      savepoints: false,
      maxParams: 65534,
      streaming: 'paged',
    })
    expect(adapter.begin).toBeUndefined()
    expect(neonHttp.schemes).toEqual(['postgres:', 'postgresql:'])
  })

  it('works in the per-file schema named by the connection string', async () => {
    expect((await run('SELECT current_schema()')).rows).toEqual([[schema]])
  })

  it('inserts, selects, updates and deletes with compiled parameters; one request each', async () => {
    const ins = postgresql.compile(
      insert(items).values([
        { id: 1, name: 'a', qty: 5, price: '1.50', active: true },
        { id: 2, name: 'b', qty: 7, price: '20', active: false },
      ]),
    )
    expect((await adapter.execute(ins)).rowsAffected).toBe(2)
    const sel = postgresql.compile(
      select(items.c.id, items.c.name, items.c.qty, items.c.price, items.c.active)
        .where(items.c.qty.gt(4))
        .orderBy(items.c.id),
    )
    const r = await adapter.execute(sel)
    expect(r.columns).toEqual(['id', 'name', 'qty', 'price', 'active'])
    // OIDs: int4, varchar, int4, numeric, bool; values are PostgreSQL's text output
    expect(r.columnTypes).toEqual([23, 1043, 23, 1700, 16])
    expect(r.rows).toEqual([
      ['1', 'a', '5', '1.50', 't'],
      ['2', 'b', '7', '20.00', 'f'],
    ])
    const upd = postgresql.compile(update(items).values({ qty: 0 }).where(items.c.name.eq('b')))
    expect((await adapter.execute(upd)).rowsAffected).toBe(1)
    const none = postgresql.compile(update(items).values({ qty: 0 }).where(items.c.name.eq('zz')))
    expect((await adapter.execute(none)).rowsAffected).toBe(0)
    const del = postgresql.compile(delete_(items).where(items.c.id.eq(1)))
    expect((await adapter.execute(del)).rowsAffected).toBe(1)
    expect(await count()).toBe('1')
    expect(server.requests).toBe(6)
  })

  it('returns raw text for every type: no driver parsing (int8, timestamps, json, bytea, arrays, null)', async () => {
    const r = await run(
      `SELECT 9007199254740993::int8 AS big, '2024-02-29 12:34:56.789'::timestamp AS ts, '{"a":[1,2]}'::jsonb AS j,
              $1::bytea AS bin, ARRAY[1,2,3] AS arr, NULL::int AS n, 1.5::float8 AS f, '2024-01-02'::date AS d, 2 AS d`,
      [new Uint8Array([0, 1, 254, 255])],
    )
    expect(r.columns).toEqual(['big', 'ts', 'j', 'bin', 'arr', 'n', 'f', 'd', 'd'])
    expect(r.columnTypes).toEqual([20, 1114, 3802, 17, 1007, 23, 701, 1082, 23])
    expect(r.rows).toEqual([
      [
        '9007199254740993',
        '2024-02-29 12:34:56.789',
        '{"a": [1, 2]}',
        '\\x0001feff',
        '{1,2,3}',
        null,
        '1.5',
        '2024-01-02',
        '2',
      ],
    ])
    expect(Array.isArray(r.rows[0])).toBe(true)
  })

  it('binds bytea parameters that round-trip', async () => {
    await adapter.execute(
      postgresql.compile(insert(items).values({ id: 3, name: 'bin', data: new Uint8Array([9, 8, 7]) })),
    )
    expect((await run('SELECT data FROM items WHERE id = 3')).rows).toEqual([['\\x090807']])
  })

  it('returns RETURNING rows', async () => {
    const stmt = postgresql.compile(
      insert(items).values({ id: 4, name: 'ret', qty: 2 }).returning(items.c.id, items.c.name),
    )
    const r = await adapter.execute(stmt)
    expect(r.columns).toEqual(['id', 'name'])
    expect(r.rows).toEqual([['4', 'ret']])
    expect(r.rowsAffected).toBe(1)
    const u = await adapter.execute(
      postgresql.compile(update(items).values({ qty: 3 }).where(items.c.id.eq(4)).returning(items.c.qty)),
    )
    expect(u.rows).toEqual([['3']])
  })

  it('sends a batch as ONE request and returns a result per statement', async () => {
    const results = await adapter.batch([
      postgresql.compile(insert(items).values({ id: 10, name: 'x', qty: 1 })),
      postgresql.compile(insert(items).values({ id: 11, name: 'y', qty: 2 }).returning(items.c.id)),
      postgresql.compile(select(items.c.name).orderBy(items.c.id)),
    ])
    expect(server.requests).toBe(1)
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 2])
    expect(results[1]?.rows).toEqual([['11']])
    expect(results[2]?.rows).toEqual([['x'], ['y']])
    expect(await adapter.batch([])).toEqual([])
    expect(server.requests).toBe(1)
  })

  it('makes a batch atomic: a failing 2nd statement leaves nothing of the 1st', async () => {
    await run("INSERT INTO items (id, name) VALUES (1, 'taken')")
    server.resetCount()
    const err = await thrown(() =>
      adapter.batch([
        postgresql.compile(insert(items).values({ id: 20, name: 'first' })),
        postgresql.compile(insert(items).values({ id: 21, name: 'taken' })),
        postgresql.compile(insert(items).values({ id: 22, name: 'third' })),
      ]),
    )
    expect(server.requests).toBe(1)
    expect(adapter.errorInfo(err)).toMatchObject({ code: '23505', transport: false })
    expect((await run('SELECT id FROM items ORDER BY id')).rows).toEqual([['1']])
  })

  it('honours isolation level and read-only in a batch', async () => {
    const show = [
      { sql: 'SHOW transaction_isolation', params: [] },
      { sql: 'SHOW transaction_read_only', params: [] },
    ]
    const plain = await adapter.batch(show)
    expect(plain.map((r) => r.rows[0]?.[0])).toEqual(['read committed', 'off'])
    const ser = await adapter.batch(show, { isolation: 'serializable', readOnly: true })
    expect(ser.map((r) => r.rows[0]?.[0])).toEqual(['serializable', 'on'])
    const rr = await adapter.batch(show, { isolation: spelled('REPEATABLE_READ'), readOnly: false })
    expect(rr.map((r) => r.rows[0]?.[0])).toEqual(['repeatable read', 'off'])
    await expect(adapter.batch(show, { isolation: spelled('chaos') })).rejects.toBeInstanceOf(ArgumentError)
  })

  it('fails a write in a read-only batch (SQLSTATE 25006) and writes nothing', async () => {
    const err = await thrown(() =>
      adapter.batch([postgresql.compile(insert(items).values({ id: 30, name: 'ro' }))], { readOnly: true }),
    )
    expect(adapter.errorInfo(err)).toMatchObject({ code: '25006', transport: false })
    expect(await count()).toBe('0')
  })

  it('reports a unique violation as SQLSTATE 23505 with the driver fields kept', async () => {
    const stmt = postgresql.compile(insert(items).values({ id: 40, name: 'dup' }))
    await adapter.execute(stmt)
    const err = await thrown(() => adapter.execute(stmt))
    const info = adapter.errorInfo(err)
    expect(info.code).toBe('23505')
    expect(info.transport).toBe(false)
    expect(info.message).toMatch(/duplicate key value violates unique constraint/)
    expect(err).toMatchObject({ name: 'NeonDbError', constraint: 'items_pkey', code: '23505' })
    expect((err as { detail?: string }).detail).toMatch(/Key \(id\)=\(40\) already exists/)
    expectNoPassword(err)
  })

  it('rejects several statements in one query, as Neon does (extended protocol)', async () => {
    const err = await thrown(() => run('SELECT 1; SELECT 2'))
    expect(adapter.errorInfo(err).code).toBe('42601')
  })

  it('reports injected faults as transport errors; nothing runs before the fault', async () => {
    for (const kind of ['network', 'http-500'] as const) {
      server.injectFault(kind)
      const err = await thrown(() => run("INSERT INTO items (id, name) VALUES (50, 'lost')"))
      const info = adapter.errorInfo(err)
      expect(info.transport, kind).toBe(true)
      expect(info.code, kind).toBeUndefined()
      expectNoPassword(err)
    }
    expect(await count()).toBe('0')
    expect(server.requests).toBe(3)
  })

  it('reports a connection dropped after the batch ran as a transport error (the batch did commit)', async () => {
    server.injectFault('drop-after-query')
    const err = await thrown(() =>
      adapter.batch([postgresql.compile(insert(items).values({ id: 60, name: 'ran' }))]),
    )
    expect(adapter.errorInfo(err).transport).toBe(true)
    expectNoPassword(err)
    expect(await count()).toBe('1')
  })

  it('aborts a stalled request through the signal', async () => {
    server.injectFault('stall')
    const controller = new AbortController()
    const pending = thrown(() =>
      adapter.execute({ sql: 'SELECT 1', params: [] }, { signal: controller.signal }),
    )
    setTimeout(() => controller.abort(), 50)
    const err = await pending
    expect(adapter.errorInfo(err).transport).toBe(true)
    expect((await run('SELECT 1')).rows).toEqual([['1']])
  })

  it('never shows the password: database, transport and URL errors', async () => {
    const errors: unknown[] = []
    errors.push(await thrown(() => run('SELECT * FROM no_such_table')))
    server.injectFault('network')
    errors.push(await thrown(() => run('SELECT 1')))
    // a server that is not there at all
    const gone = neonHttp(`postgresql://postgres:${ENCODED}@127.0.0.1:1/test`)
    errors.push(await thrown(() => gone.execute({ sql: 'SELECT 1', params: [] })))
    // a bad URL: the adapter refuses it at once, without quoting it
    errors.push(await thrown(async () => neonHttp(`postgresql://postgres:${ENCODED}@[bad/test`)))
    // the driver itself quotes a bad connection string in its message (checked per request)
    const viaFn = neonHttp(neon(`postgresql://postgres:${ENCODED}@[bad/test`))
    const quoted = await thrown(() => viaFn.execute({ sql: 'SELECT 1', params: [] }))
    expect(String((quoted as Error).message)).toMatch(/not a valid URL/)
    errors.push(quoted)
    expect(errors[0]).toMatchObject({ code: '42P01' })
    expect(errors[3]).toBeInstanceOf(ArgumentError)
    for (const err of errors) expectNoPassword(err, gone)
    expect(gone.errorInfo(errors[2]).transport).toBe(true)
  })

  it('points the driver at a given endpoint per request, never changing neonConfig for others', async () => {
    const before = neonConfig.fetchEndpoint
    const other = await startNeonHttpServer()
    try {
      const remote = neonHttp(pgUrl('ep-quiet-water-123456.us-east-2.aws.neon.tech'), {
        fetchEndpoint: other.endpoint,
      })
      const fromFn = neonHttp(neon(pgUrl('db.example.com')), {
        fetchEndpoint: () => other.endpoint,
        secrets: [PASSWORD],
      })
      const all = await Promise.all([
        remote.execute({ sql: 'SELECT 1', params: [] }),
        run('SELECT 2'),
        fromFn.batch([{ sql: 'SELECT 3', params: [] }]),
        remote.execute({ sql: 'SELECT 4', params: [] }),
        run('SELECT 5'),
      ])
      expect(all.map((r) => (Array.isArray(r) ? r[0]?.rows : r.rows))).toEqual([
        [['1']],
        [['2']],
        [['3']],
        [['4']],
        [['5']],
      ])
      expect(other.requests).toBe(3)
      expect(server.requests).toBe(2)
      expect(neonConfig.fetchEndpoint).toBe(before)
      expect(neonConfig.opts.fetchEndpoint).toBeUndefined()
      // a global endpoint set by the user wins over the loopback guess (but not over the option)
      neonConfig.fetchEndpoint = other.endpoint
      try {
        await run('SELECT 6')
        await remote.execute({ sql: 'SELECT 7', params: [] })
      } finally {
        delete neonConfig.opts.fetchEndpoint
      }
      expect([other.requests, server.requests]).toEqual([5, 2])
      const err = await thrown(() => fromFn.execute({ sql: 'SELECT * FROM nope', params: [] }))
      expectNoPassword(err, fromFn)
    } finally {
      await other.close()
    }
  })

  it('refuses use after close', async () => {
    const a = neonHttp(pgUrl(`127.0.0.1:${server.port}`))
    await a.close()
    await expect(a.execute({ sql: 'SELECT 1', params: [] })).rejects.toThrow(/closed/)
  })
})

describe('neon-http through the engine', () => {
  const engineOf = () => createAsyncEngine(pgUrl(`localhost:${server.port}`), { adapters: [neonHttp] })

  it('decodes by declared type and batches in one request', async () => {
    const engine = engineOf()
    const results = await engine.batch([
      insert(items).values({ id: 70, name: 'e', qty: 3, price: '2.50', active: true }),
      select(items.c.id, items.c.qty, items.c.price, items.c.active).where(items.c.id.eq(70)),
    ])
    expect(server.requests).toBe(1)
    expect(results[1]?.all().map((r) => [r[0], r[1], r[2], r[3]])).toEqual([[70, 3, '2.50', true]])
    await engine.dispose()
  })

  it('raises UnsupportedCapabilityError for begin() and IntegrityError without the password', async () => {
    const engine = engineOf()
    await expect(engine.begin(async () => undefined)).rejects.toBeInstanceOf(UnsupportedCapabilityError)
    const stmt = insert(items).values({ id: 80, name: 'i' })
    await engine.execute(stmt)
    const err = await thrown(() => engine.execute(stmt))
    expect(err).toBeInstanceOf(IntegrityError)
    expect(err).toMatchObject({ code: '23505' })
    expect(stringsOf(err)).not.toContain(PASSWORD)
    server.injectFault('http-500')
    const down = await thrown(() => engine.execute(select(items.c.id)))
    expect(down).toBeInstanceOf(OperationalError)
    expect(stringsOf(down)).not.toContain(PASSWORD)
    await engine.dispose()
  })
})
