/**
 * The libsql adapter with the official @libsql/client, on a local file and over Hrana HTTP
 * through testing/servers/hrana (request counts, baton streams, fault injection).
 */
import { mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/index.js'
import { libsql as libsqlNode } from '../../adapters/libsql/node.js'
import {
  type Adapter,
  ArgumentError,
  createAsyncEngine,
  IntegrityError,
  OperationalError,
  redactError,
  text,
} from '../../core/index.js'
import { type HranaServer, startHranaServer } from '../../testing/servers/hrana/index.js'

const tmp = resolve(import.meta.dirname, '../../.tmp')
const stamp = `${process.pid}_${Date.now().toString(36)}`
const dbFile = (name: string) => resolve(tmp, `libsql-${name}-${stamp}.db`)
const TOKEN = 'tok_Zq8s3cr3t-value-never-shown'

function removeDb(file: string) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
}

/** Runs `fn` and returns what it threw. */
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

interface Transport {
  name: 'file' | 'http'
  adapter: Adapter
  /** Round trips so far (HTTP only). */
  requests(): number
  server?: HranaServer
}

const transports: Transport[] = []
let fileClient: Client
let server: HranaServer
const files = [dbFile('file'), dbFile('http')]

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true })
  for (const f of files) removeDb(f)
  fileClient = createClient({ url: `file:${files[0]}`, intMode: 'bigint' })
  transports.push({ name: 'file', adapter: libsql(fileClient), requests: () => 0 })
  server = await startHranaServer({ file: files[1], authToken: TOKEN })
  transports.push({
    name: 'http',
    adapter: libsql(server.url, { authToken: TOKEN }),
    requests: () => server.requests,
    server,
  })
})

afterAll(async () => {
  for (const t of transports) await t.adapter.close()
  fileClient?.close()
  await server?.close()
  for (const f of files) removeDb(f)
})

describe.each(['file', 'http'] as const)('libsql adapter over %s', (kind) => {
  let t: Transport
  const run = (sql: string, params: unknown[] = []) => t.adapter.execute({ sql, params })
  const count = async (table: string) => (await run(`SELECT count(*) FROM ${table}`)).rows[0]?.[0]

  beforeAll(async () => {
    t = transports.find((x) => x.name === kind) as Transport
    await run(
      'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, big INTEGER, ratio REAL, data BLOB)',
    )
  })
  beforeEach(async () => {
    await run('DELETE FROM items')
  })

  it('declares the libsql capabilities', () => {
    expect(t.adapter.name).toBe('libsql')
    expect(t.adapter.capabilities).toEqual({
      interactiveTransactions: true,
      atomicBatch: true,
      batchRoundTrips: 'one',
      savepoints: true,
      maxParams: 32766,
      streaming: 'paged',
    })
  })

  it('executes with positional parameters', async () => {
    await run('INSERT INTO items (name, big) VALUES (?, ?), (?, ?)', ['a', 1, 'b', 2])
    const r = await run('SELECT name FROM items WHERE big > ? ORDER BY name', [1])
    expect(r.columns).toEqual(['name'])
    expect(r.rows).toEqual([['b']])
  })

  it('returns raw values: bigint integers (2^60 too), REAL numbers, text, Uint8Array blobs, null', async () => {
    const big = 2n ** 60n
    const blob = new Uint8Array([0, 1, 2, 254, 255])
    await run('INSERT INTO items (name, big, ratio, data) VALUES (?, ?, ?, ?)', ['x', big, 1.5, blob])
    await run('INSERT INTO items (name, big, ratio, data) VALUES (?, ?, ?, ?)', ['y', -7, null, null])
    const r = await run('SELECT name, big, ratio, data, id FROM items ORDER BY name')
    expect(r.columns).toEqual(['name', 'big', 'ratio', 'data', 'id'])
    expect(r.columnTypes).toEqual(['TEXT', 'INTEGER', 'REAL', 'BLOB', 'INTEGER'])
    const [x, y] = r.rows as unknown[][]
    expect(x?.slice(0, 3)).toEqual(['x', big, 1.5])
    expect(x?.[3]).toBeInstanceOf(Uint8Array)
    expect(Array.from(x?.[3] as Uint8Array)).toEqual(Array.from(blob))
    expect(typeof x?.[4]).toBe('bigint')
    expect(y?.slice(0, 4)).toEqual(['y', -7n, null, null])
    expect(Array.isArray(x)).toBe(true)
  })

  it('binds integral numbers as INTEGER and fractions as REAL', async () => {
    const r = await run('SELECT typeof(?), typeof(?), ? + 0, CAST(? AS TEXT)', [5, 2.5, 9007199254740991, 7])
    expect(r.rows).toEqual([['integer', 'real', 9007199254740991n, '7']])
  })

  it('keeps duplicate column names in array rows', async () => {
    const r = await run('SELECT 1 AS a, 2 AS a')
    expect(r.columns).toEqual(['a', 'a'])
    expect(r.rows).toEqual([[1n, 2n]])
  })

  it('reports rowsAffected and lastInsertId', async () => {
    const ins = await run('INSERT INTO items (id, name) VALUES (?, ?)', [41, 'p'])
    expect(ins.rowsAffected).toBe(1)
    expect(ins.lastInsertId).toBe(41)
    const next = await run('INSERT INTO items (name) VALUES (?)', ['q'])
    expect(next.lastInsertId).toBe(42)
    const upd = await run('UPDATE items SET big = 1')
    expect(upd.rowsAffected).toBe(2)
    const del = await run('DELETE FROM items WHERE id = ?', [99])
    expect(del.rowsAffected).toBe(0)
    const huge = await run('INSERT INTO items (id, name) VALUES (?, ?)', [2n ** 60n + 1n, 'h'])
    // the local client reads the rowid through a JS number (@libsql/client 0.18), so only HTTP is exact
    if (kind === 'http') expect(huge.lastInsertId).toBe(2n ** 60n + 1n)
    else expect(huge.lastInsertId).toBeTypeOf('bigint')
  })

  it('supports RETURNING', async () => {
    const r = await run('INSERT INTO items (name) VALUES (?), (?) RETURNING id, name', ['r1', 'r2'])
    expect(r.columns).toEqual(['id', 'name'])
    expect(r.rows.map((row) => row[1])).toEqual(['r1', 'r2'])
    // the local client does not report counts for statements returning rows; -1 says so
    expect(r.rowsAffected).toBe(kind === 'http' ? 2 : -1)
  })

  it('runs a batch atomically in one request', async () => {
    const before = t.requests()
    const results = await t.adapter.batch([
      { sql: 'INSERT INTO items (name) VALUES (?)', params: ['b1'] },
      { sql: 'INSERT INTO items (name) VALUES (?)', params: ['b2'] },
      { sql: 'SELECT count(*) FROM items', params: [] },
    ])
    if (kind === 'http') expect(t.requests() - before).toBe(1)
    expect(results).toHaveLength(3)
    expect(results[1]?.lastInsertId).toBeTypeOf('number')
    expect(results[2]?.rows).toEqual([[2n]])
  })

  it('a failing statement in a batch leaves nothing behind (one request)', async () => {
    const before = t.requests()
    const err = await thrown(() =>
      t.adapter.batch([
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['c1'] },
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['c2'] },
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['c1'] },
      ]),
    )
    if (kind === 'http') expect(t.requests() - before).toBe(1)
    expect(t.adapter.errorInfo(err).code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(await count('items')).toBe(0n)
  })

  it('a stale-row guard fails the whole batch', async () => {
    await run('INSERT INTO items (id, name) VALUES (1, ?)', ['g'])
    const err = await thrown(() =>
      t.adapter.batch([
        { sql: 'UPDATE items SET name = ? WHERE id = ?', params: ['g2', 1] },
        { sql: 'UPDATE items SET name = ? WHERE id = ?', params: ['zz', 2] },
        { sql: 'SELECT CASE WHEN changes() = 0 THEN abs(-9223372036854775808) ELSE 0 END', params: [] },
      ]),
    )
    expect(t.adapter.errorInfo(err).message).toMatch(/integer overflow/)
    expect((await run('SELECT name FROM items')).rows).toEqual([['g']])
  })

  it('runs a read-only batch', async () => {
    const [r] = await t.adapter.batch([{ sql: 'SELECT 1', params: [] }], { readOnly: true })
    expect(r?.rows).toEqual([[1n]])
  })

  it('commits an interactive transaction spanning requests', async () => {
    const begin = t.adapter.begin as NonNullable<Adapter['begin']>
    const before = t.requests()
    const tx = await begin()
    await tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['t1'] })
    const inside = await tx.execute({ sql: 'SELECT count(*) FROM items', params: [] })
    expect(inside.rows).toEqual([[1n]])
    if (kind === 'http') expect(server.openStreams).toBe(1)
    // not visible outside the transaction yet
    expect(await count('items')).toBe(0n)
    const beforeCommit = t.requests()
    await tx.commit()
    if (kind === 'http') {
      expect(t.requests() - beforeCommit).toBe(1)
      // BEGIN rides with the first statement: 2 statements + COMMIT, plus the outside count
      expect(t.requests() - before).toBe(4)
      expect(server.openStreams).toBe(0)
    }
    expect(await count('items')).toBe(1n)
  })

  it('rolls back an interactive transaction', async () => {
    const tx = await (t.adapter.begin as NonNullable<Adapter['begin']>)()
    await tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['t2'] })
    await tx.rollback()
    expect(await count('items')).toBe(0n)
    if (kind === 'http') expect(server.openStreams).toBe(0)
  })

  it('a failing statement keeps the transaction usable', async () => {
    const tx = await (t.adapter.begin as NonNullable<Adapter['begin']>)()
    await tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['u1'] })
    const err = await thrown(() => tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['u1'] }))
    expect(t.adapter.errorInfo(err).code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    await tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['u2'] })
    await tx.commit()
    expect((await run('SELECT name FROM items ORDER BY name')).rows).toEqual([['u1'], ['u2']])
  })

  it('rolls back to a savepoint inside a transaction', async () => {
    const tx = await (t.adapter.begin as NonNullable<Adapter['begin']>)()
    await tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['s1'] })
    await tx.execute({ sql: 'SAVEPOINT sp1', params: [] })
    await tx.execute({ sql: 'INSERT INTO items (name) VALUES (?)', params: ['s2'] })
    await tx.execute({ sql: 'ROLLBACK TO SAVEPOINT sp1', params: [] })
    await tx.execute({ sql: 'RELEASE SAVEPOINT sp1', params: [] })
    await tx.commit()
    expect((await run('SELECT name FROM items')).rows).toEqual([['s1']])
  })

  it('opens read-only transactions', async () => {
    await run('INSERT INTO items (name) VALUES (?)', ['ro'])
    const tx = await (t.adapter.begin as NonNullable<Adapter['begin']>)({ readOnly: true })
    expect((await tx.execute({ sql: 'SELECT name FROM items', params: [] })).rows).toEqual([['ro']])
    await tx.commit()
  })

  it('gives the SQLite extended code of a unique violation', async () => {
    await run('INSERT INTO items (name) VALUES (?)', ['dup'])
    const err = await thrown(() => run('INSERT INTO items (name) VALUES (?)', ['dup']))
    const info = t.adapter.errorInfo(err)
    // a server (Turso, sqld) reports the primary SQLITE_CONSTRAINT in its own words; the adapter
    // refines the code from the message
    expect(info.code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(info.message).toBe(
      kind === 'http'
        ? 'SQLite error: UNIQUE constraint failed: items.name'
        : 'UNIQUE constraint failed: items.name',
    )
    expect(info.transport).toBe(false)
    const nn = t.adapter.errorInfo(await thrown(() => run('INSERT INTO items (name) VALUES (NULL)')))
    expect(nn.code).toBe('SQLITE_CONSTRAINT_NOTNULL')
    const syntax = t.adapter.errorInfo(await thrown(() => run('SELEC 1')))
    // sqld's own parser refuses a syntax error before SQLite sees it
    expect(syntax.code).toBe(kind === 'http' ? 'SQL_PARSE_ERROR' : 'SQLITE_ERROR')
    expect(syntax.message).toMatch(/syntax error/)
  })

  it('works under the engine: text(), IntegrityError, begin()', async () => {
    const engine = createAsyncEngine(t.adapter)
    await engine.execute(text('INSERT INTO items (name, big) VALUES (:n, :b)'), { n: 'e1', b: 2n ** 60n })
    const r = await engine.execute(text('SELECT name, big FROM items'))
    expect(r.all().map((row) => [row[0], row[1]])).toEqual([['e1', 2n ** 60n]])
    const err = await thrown(() => engine.execute(text('INSERT INTO items (name) VALUES (:n)'), { n: 'e1' }))
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as IntegrityError).code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    await engine.begin(async (conn) => {
      await conn.execute(text("INSERT INTO items (name) VALUES ('e2')"))
    })
    expect(await count('items')).toBe(2n)
  })
})

describe('libsql adapter: HTTP specifics', () => {
  let adapter: Adapter
  beforeAll(() => {
    adapter = libsql(server.url, { authToken: TOKEN })
  })
  afterAll(async () => {
    await adapter.close()
  })

  it('version probes are answered 404 and not counted', async () => {
    const before = server.requests
    for (const path of ['/v3-protobuf', '/v3']) expect((await fetch(server.url + path)).status).toBe(404)
    expect((await fetch(`${server.url}/v2`)).status).toBe(200)
    expect(server.requests).toBe(before)
  })

  it('one statement is one request', async () => {
    await adapter.execute({ sql: 'SELECT 1', params: [] })
    server.resetCount()
    await adapter.execute({ sql: 'SELECT ?', params: [1] })
    expect(server.requests).toBe(1)
  })

  it('a network failure is a transport error (OperationalError under the engine)', async () => {
    server.injectFault('network')
    const err = await thrown(() => adapter.execute({ sql: 'SELECT 1', params: [] }))
    expect(adapter.errorInfo(err).transport).toBe(true)
    server.injectFault('network')
    const engineErr = await thrown(() => createAsyncEngine(adapter).execute(text('SELECT 1')))
    expect(engineErr).toBeInstanceOf(OperationalError)
    // the next request goes through
    expect((await adapter.execute({ sql: 'SELECT 2', params: [] })).rows).toEqual([[2n]])
  })

  it('an HTTP 500 is a transport error', async () => {
    server.injectFault('http-500')
    const info = adapter.errorInfo(await thrown(() => adapter.batch([{ sql: 'SELECT 1', params: [] }])))
    expect(info).toMatchObject({ code: 'SERVER_ERROR', transport: true })
  })

  it('a transaction whose stream expired fails as a transport error and leaves nothing', async () => {
    await adapter.execute({ sql: 'CREATE TABLE IF NOT EXISTS exp (x TEXT)', params: [] })
    const tx = await (adapter.begin as NonNullable<Adapter['begin']>)()
    await tx.execute({ sql: "INSERT INTO exp VALUES ('lost')", params: [] })
    server.injectFault('expire-streams')
    const info = adapter.errorInfo(await thrown(() => tx.execute({ sql: 'SELECT 1', params: [] })))
    expect(info).toMatchObject({ code: 'STREAM_EXPIRED', transport: true })
    await tx.rollback()
    expect((await adapter.execute({ sql: 'SELECT count(*) FROM exp', params: [] })).rows).toEqual([[0n]])
  })

  it('batons expire after the idle timeout, rolling the transaction back', async () => {
    const file = dbFile('expiry')
    const short = await startHranaServer({ file, streamTimeoutMs: 150 })
    const a = libsql(short.url)
    try {
      await a.execute({ sql: 'CREATE TABLE e (x)', params: [] })
      const tx = await (a.begin as NonNullable<Adapter['begin']>)()
      await tx.execute({ sql: 'INSERT INTO e VALUES (1)', params: [] })
      expect(short.openStreams).toBe(1)
      await new Promise((r) => setTimeout(r, 400))
      expect(short.openStreams).toBe(0)
      const info = a.errorInfo(await thrown(() => tx.commit()))
      expect(info.transport).toBe(true)
      expect((await a.execute({ sql: 'SELECT count(*) FROM e', params: [] })).rows).toEqual([[0n]])
    } finally {
      await a.close()
      await short.close()
      removeDb(file)
    }
  })

  it('never shows the authToken in errors', async () => {
    const errors: [Adapter, unknown][] = []
    await adapter.execute({ sql: 'CREATE TABLE IF NOT EXISTS tok (x TEXT UNIQUE)', params: [] })
    await adapter.execute({ sql: 'INSERT INTO tok VALUES (?)', params: [TOKEN] })
    errors.push([
      adapter,
      await thrown(() => adapter.execute({ sql: 'INSERT INTO tok VALUES (?)', params: [TOKEN] })),
    ])
    errors.push([
      adapter,
      await thrown(() => adapter.execute({ sql: `SELECT '${TOKEN}' FROM nowhere`, params: [] })),
    ])
    server.injectFault('network')
    errors.push([adapter, await thrown(() => adapter.execute({ sql: 'SELECT 1', params: [] }))])
    const viaUrl = libsql(`${server.url}?authToken=${TOKEN}`)
    server.injectFault('http-500')
    errors.push([viaUrl, await thrown(() => viaUrl.execute({ sql: 'SELECT 1', params: [] }))])
    errors.push([viaUrl, await thrown(() => viaUrl.execute({ sql: `SELECT "${TOKEN}"`, params: [] }))])
    const wrong = libsql(server.url, { authToken: `${TOKEN}-wrong` })
    errors.push([wrong, await thrown(() => wrong.execute({ sql: 'SELECT 1', params: [] }))])
    const engineErr = await thrown(() =>
      createAsyncEngine(adapter).execute(text(`SELECT '${TOKEN}' FROM nowhere_else`)),
    )
    for (const [a, err] of errors) expect(stringsOf(err, a)).not.toContain(TOKEN)
    const e = engineErr as Error
    expect([e.message, e.stack, String(e.cause), (e.cause as Error).stack].join('\n')).not.toContain(TOKEN)
    await viaUrl.close()
    await wrong.close()
  })
})

describe('libsql adapter: URLs and builds', () => {
  it('the edge entry takes remote URLs only and imports nothing until used', () => {
    expect(() => libsql('file:x.db')).toThrow(ArgumentError)
    expect(() => libsql(':memory:')).toThrow(/edgealchemy\/libsql\/node/)
    expect(libsql.schemes).toEqual(['libsql:', 'https:', 'http:', 'wss:', 'ws:'])
    expect(libsql('libsql://example.invalid').name).toBe('libsql')
  })

  it('the node entry opens file: and :memory: URLs with intMode bigint', async () => {
    const file = dbFile('node-entry')
    const a = libsqlNode(`file:${file}`)
    const m = libsqlNode(':memory:')
    try {
      expect((await a.execute({ sql: 'SELECT ?', params: [2n ** 60n] })).rows).toEqual([[2n ** 60n]])
      expect((await m.execute({ sql: 'SELECT 9223372036854775807', params: [] })).rows).toEqual([
        [9223372036854775807n],
      ])
      const engine = createAsyncEngine(`file:${file}`, { adapters: [libsqlNode] })
      expect(await engine.scalar(text('SELECT 1'))).toBe(1)
    } finally {
      await a.close()
      await m.close()
      removeDb(file)
    }
  })

  it('the node entry reaches the Hrana server over HTTP too', async () => {
    const a = libsqlNode(server.url, { authToken: TOKEN })
    expect((await a.execute({ sql: 'SELECT 1', params: [] })).rows).toEqual([[1n]])
    await a.close()
  })

  it('a closed adapter made from a URL refuses further work', async () => {
    const a = libsql(server.url, { authToken: TOKEN })
    await a.execute({ sql: 'SELECT 1', params: [] })
    await a.close()
    expect(a.errorInfo(await thrown(() => a.execute({ sql: 'SELECT 1', params: [] }))).message).toMatch(
      /closed/i,
    )
  })
})
